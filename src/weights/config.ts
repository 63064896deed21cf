// config.json for the two supported families, typed. Fields Hugging Face's config classes give defaults for
// (and that older files omit) take the same defaults here; the shape-defining fields are required.

import { WeightsError } from './errors';

export type GeluForm = 'erf' | 'tanh';

export interface Gpt2Config {
  family: 'gpt2';
  architectures: string[];
  vocabSize: number; // V
  nPositions: number; // longest T
  nEmbd: number; // C
  nLayer: number; // L
  nHead: number; // H
  nInner: number; // F: n_inner, or 4 * n_embd when null
  layerNormEpsilon: number;
  activationFunction: string; // as written in config.json
  gelu: GeluForm;
  bosTokenId: number | null;
  eosTokenId: number | null;
  raw: Record<string, unknown>;
}

export interface BertConfig {
  family: 'bert';
  architectures: string[];
  vocabSize: number; // V
  hiddenSize: number; // C
  numHiddenLayers: number; // L
  numAttentionHeads: number; // H
  intermediateSize: number; // F
  maxPositionEmbeddings: number; // longest T
  typeVocabSize: number;
  layerNormEps: number;
  hiddenAct: string; // as written in config.json
  gelu: GeluForm;
  padTokenId: number;
  id2label: Record<number, string>;
  label2id: Record<string, number>;
  numLabels: number;
  raw: Record<string, unknown>;
}

export type ModelConfig = Gpt2Config | BertConfig;

const GELU_FORMS: Record<string, GeluForm> = {
  gelu: 'erf',
  gelu_new: 'tanh',
  gelu_pytorch_tanh: 'tanh',
  gelu_fast: 'tanh',
};

/** The model's hidden size C. */
export const modelWidth = (config: ModelConfig): number => (config.family === 'gpt2' ? config.nEmbd : config.hiddenSize);

export function parseModelConfig(json: unknown, fileName = 'config.json'): ModelConfig {
  const fields = new ConfigFields(json, fileName);
  const modelType = fields.raw.model_type;
  if (modelType === 'gpt2') return parseGpt2(fields);
  if (modelType === 'bert') return parseBert(fields);
  throw new WeightsError(
    `${fileName}: model_type ${JSON.stringify(modelType)} is not supported (supported: "gpt2", "bert")`,
    fileName,
  );
}

function parseGpt2(fields: ConfigFields): Gpt2Config {
  const nEmbd = fields.positiveInteger('n_embd');
  const nHead = fields.positiveInteger('n_head');
  fields.check(nEmbd % nHead === 0, `n_embd ${nEmbd} is not divisible by n_head ${nHead}`);
  fields.check(fields.raw.scale_attn_by_inverse_layer_idx !== true, 'scale_attn_by_inverse_layer_idx is not supported');
  const activationFunction = fields.string('activation_function', 'gelu_new');
  return {
    family: 'gpt2',
    architectures: fields.architectures(),
    vocabSize: fields.positiveInteger('vocab_size'),
    nPositions: fields.positiveInteger('n_positions'),
    nEmbd,
    nLayer: fields.positiveInteger('n_layer'),
    nHead,
    nInner: fields.raw.n_inner == null ? 4 * nEmbd : fields.positiveInteger('n_inner'),
    layerNormEpsilon: fields.positiveNumber('layer_norm_epsilon', 1e-5),
    activationFunction,
    gelu: fields.gelu('activation_function', activationFunction),
    bosTokenId: fields.optionalTokenId('bos_token_id'),
    eosTokenId: fields.optionalTokenId('eos_token_id'),
    raw: fields.raw,
  };
}

function parseBert(fields: ConfigFields): BertConfig {
  const hiddenSize = fields.positiveInteger('hidden_size');
  const numAttentionHeads = fields.positiveInteger('num_attention_heads');
  fields.check(
    hiddenSize % numAttentionHeads === 0,
    `hidden_size ${hiddenSize} is not divisible by num_attention_heads ${numAttentionHeads}`,
  );
  const positionType = fields.string('position_embedding_type', 'absolute');
  fields.check(positionType === 'absolute', `position_embedding_type "${positionType}" is not supported`);
  const hiddenAct = fields.string('hidden_act', 'gelu');
  const id2label = fields.id2label();
  return {
    family: 'bert',
    architectures: fields.architectures(),
    vocabSize: fields.positiveInteger('vocab_size'),
    hiddenSize,
    numHiddenLayers: fields.positiveInteger('num_hidden_layers'),
    numAttentionHeads,
    intermediateSize: fields.positiveInteger('intermediate_size'),
    maxPositionEmbeddings: fields.positiveInteger('max_position_embeddings'),
    typeVocabSize: fields.positiveInteger('type_vocab_size', 2),
    layerNormEps: fields.positiveNumber('layer_norm_eps', 1e-12),
    hiddenAct,
    gelu: fields.gelu('hidden_act', hiddenAct),
    padTokenId: fields.optionalTokenId('pad_token_id') ?? 0,
    id2label,
    label2id: fields.label2id(id2label),
    numLabels: Object.keys(id2label).length,
    raw: fields.raw,
  };
}

class ConfigFields {
  readonly raw: Record<string, unknown>;

  constructor(
    json: unknown,
    private readonly fileName: string,
  ) {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new WeightsError(`${fileName}: expected a JSON object`, fileName);
    }
    this.raw = json as Record<string, unknown>;
  }

  check(condition: boolean, problem: string): void {
    if (!condition) throw new WeightsError(`${this.fileName}: ${problem}`, this.fileName);
  }

  private value(key: string, fallback: unknown): unknown {
    const value = this.raw[key] ?? fallback;
    this.check(value !== undefined, `missing required field "${key}"`);
    return value;
  }

  positiveInteger(key: string, fallback?: number): number {
    const value = this.value(key, fallback);
    this.check(Number.isSafeInteger(value) && (value as number) > 0, `"${key}" must be a positive integer`);
    return value as number;
  }

  positiveNumber(key: string, fallback?: number): number {
    const value = this.value(key, fallback);
    this.check(typeof value === 'number' && value > 0, `"${key}" must be a positive number`);
    return value as number;
  }

  string(key: string, fallback?: string): string {
    const value = this.value(key, fallback);
    this.check(typeof value === 'string', `"${key}" must be a string`);
    return value as string;
  }

  optionalTokenId(key: string): number | null {
    const value = this.raw[key];
    if (value == null) return null;
    this.check(Number.isSafeInteger(value) && (value as number) >= 0, `"${key}" must be a token id`);
    return value as number;
  }

  gelu(key: string, activation: string): GeluForm {
    const form = GELU_FORMS[activation];
    this.check(
      form !== undefined,
      `${key} "${activation}" is not supported (supported: ${Object.keys(GELU_FORMS).join(', ')})`,
    );
    return form;
  }

  architectures(): string[] {
    const value = this.raw.architectures;
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  }

  /** Hugging Face writes id2label with string keys; without one it assumes num_labels (default 2) labels. */
  id2label(): Record<number, string> {
    const value = this.raw.id2label;
    if (value == null) {
      const count = this.positiveInteger('num_labels', 2);
      return Object.fromEntries(Array.from({ length: count }, (_, id) => [id, `LABEL_${id}`]));
    }
    const entries = typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : [];
    const labels = entries.map(([id, label]) => [Number(id), label] as const);
    const ids = labels.map(([id]) => id).sort((a, b) => a - b);
    this.check(
      labels.length > 0 && labels.every(([, label]) => typeof label === 'string') && ids.every((id, i) => id === i),
      'id2label must map the ids 0..n-1 to label strings',
    );
    return Object.fromEntries(labels);
  }

  label2id(id2label: Record<number, string>): Record<string, number> {
    const value = this.raw.label2id;
    if (value == null) return Object.fromEntries(Object.entries(id2label).map(([id, label]) => [label, Number(id)]));
    const entries = typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : [];
    this.check(
      entries.every(([label, id]) => id2label[id as number] === label),
      'label2id does not match id2label',
    );
    return Object.fromEntries(entries) as Record<string, number>;
  }
}
