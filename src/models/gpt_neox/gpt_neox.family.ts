// GPT-NeoX (Black et al. 2022; EleutherAI's Pythia suite) as Hugging Face's GPTNeoXForCausalLM saves it: pre-LayerNorm
// blocks with torch Linear weights, one query_key_value product laid out per head, rotary embeddings on the first
// rotary_pct of each head (rotate-half), the parallel residual x + attn(ln1 x) + mlp(ln2 x) or the sequential one,
// exact GELU, an untied embed_out. Names under `gpt_neox.` (or none: GPTNeoXModel's own save).

import { CONFIG_LIMITS, GELU_FORMS, type ConfigFields } from '../configFields';
import type { DecoderNameTable, QkvRelayout } from '../decoder/checkpoint';
import { decoderFamily } from '../decoder/family';
import { linearRopeScaling, rotaryContext, type DecoderSpec } from '../decoder/params';
import type { ModelConfig } from '../family';

export interface GptNeoxConfig extends ModelConfig {
  family: 'gpt_neox';
  /** Rotated channels of each head: int(D · rotary_pct), as Hugging Face truncates it. */
  rotaryDim: number;
  rotaryBase: number;
  /** rope_scaling {type: 'linear', factor}; 1 without. */
  rotaryScale: number;
  parallelResidual: boolean;
  /** attention_bias: biases on query_key_value and dense (default true). */
  attentionBias: boolean;
  tiedHead: boolean;
  /** config.json's max_position_embeddings (dims.P is what this app runs; see rotaryContext). */
  maxPositionEmbeddings: number;
}

function parseConfig(fields: ConfigFields): GptNeoxConfig {
  const C = fields.positiveInteger('hidden_size', CONFIG_LIMITS.width);
  const H = fields.positiveInteger('num_attention_heads', CONFIG_LIMITS.heads);
  const D = fields.heads('hidden_size', C, 'num_attention_heads', H);
  const rotaryPct = fields.numberIn('rotary_pct', 0, 1, 0.25);
  const rotaryDim = Math.floor(D * rotaryPct);
  fields.check(rotaryDim > 0 && rotaryDim % 2 === 0, `rotary_pct ${rotaryPct} gives ${rotaryDim} rotary channels of the head size ${D}; this app needs a positive even number`);
  const maxPositionEmbeddings = fields.positiveInteger('max_position_embeddings', CONFIG_LIMITS.positions, 2048);
  return {
    family: 'gpt_neox',
    modelType: 'gpt_neox',
    architectures: fields.architectures(),
    dims: {
      L: fields.positiveInteger('num_hidden_layers', CONFIG_LIMITS.layers),
      C, H, Hkv: H, D,
      F: fields.positiveInteger('intermediate_size', CONFIG_LIMITS.innerWidth),
      V: fields.positiveInteger('vocab_size', CONFIG_LIMITS.vocabulary),
      P: rotaryContext(maxPositionEmbeddings),
      eps: fields.positiveNumber('layer_norm_eps', 1e-5),
      activation: fields.oneOf('hidden_act', GELU_FORMS, 'gelu'),
      positions: 'rotary',
      norm: 'layernorm',
      prenorm: true,
      typeVocabSize: 0,
    },
    labels: fields.labels(),
    special: { bos: fields.optionalTokenId('bos_token_id'), eos: fields.optionalTokenId('eos_token_id'), pad: fields.optionalTokenId('pad_token_id') },
    rotaryDim,
    rotaryBase: fields.positiveNumber('rotary_emb_base', 10000),
    rotaryScale: linearRopeScaling(fields, ['type', 'rope_type']),
    parallelResidual: fields.boolean('use_parallel_residual', true),
    attentionBias: fields.boolean('attention_bias', true),
    tiedHead: fields.boolean('tie_word_embeddings', false),
    maxPositionEmbeddings,
    raw: fields.raw,
  };
}

const spec = (config: GptNeoxConfig): DecoderSpec => ({
  dims: config.dims,
  weightLayout: 'nk',
  qkvBias: config.attentionBias,
  attnOutBias: config.attentionBias,
  mlpBias: true,
  mlp: 'gelu',
  parallelResidual: config.parallelResidual,
  rotary: { dim: config.rotaryDim, base: config.rotaryBase, scale: config.rotaryScale },
});

/**
 * query_key_value's output rows are per head, (H, 3, D) = q_h | k_h | v_h for each head h; the decoder's are q | k | v,
 * (3, H, D). Row (h, part, d) of the checkpoint is row (part, h, d) of the model; the bias likewise.
 */
export function neoxQkvRelayout(H: number, D: number): QkvRelayout {
  const permute = (data: Float32Array, shape: readonly number[], toModel: boolean) => {
    const rowLength = shape.length === 2 ? shape[1] : 1;
    const out = new Float32Array(data.length);
    for (let h = 0; h < H; h++) {
      for (let part = 0; part < 3; part++) {
        const perHead = (h * 3 + part) * D; // first row of (h, part) in the checkpoint
        const qkv = (part * H + h) * D; // in the model
        const [from, to] = toModel ? [perHead, qkv] : [qkv, perHead];
        out.set(data.subarray(from * rowLength, (from + D) * rowLength), to * rowLength);
      }
    }
    return out;
  };
  return {
    toModel: (data, shape) => permute(data, shape, true),
    toCheckpoint: (data, shape) => permute(data, shape, false),
  };
}

const pair = (path: string) => [[`${path}.weight`], [`${path}.bias`]] as const;

const table = (config: GptNeoxConfig): DecoderNameTable => {
  const relayout = neoxQkvRelayout(config.dims.H, config.dims.D);
  return {
    bodyPrefixes: ['gpt_neox.', ''],
    tokenEmbeddings: ['embed_in.weight'],
    block: (l) => ({
      ln1: pair(`layers.${l}.input_layernorm`),
      qkv: { fused: pair(`layers.${l}.attention.query_key_value`), relayout },
      attnOut: pair(`layers.${l}.attention.dense`),
      ln2: pair(`layers.${l}.post_attention_layernorm`),
      mlpIn: pair(`layers.${l}.mlp.dense_h_to_4h`),
      mlpOut: pair(`layers.${l}.mlp.dense_4h_to_h`),
    }),
    lnf: pair('final_layer_norm'),
    lmHead: ['embed_out.weight'],
  };
};

export const gptNeox = decoderFamily<GptNeoxConfig>({
  id: 'gpt_neox',
  label: 'GPT-NeoX',
  modelTypes: ['gpt_neox'],
  hubSuggestions: ['EleutherAI/pythia-14m', 'EleutherAI/pythia-70m', 'EleutherAI/pythia-160m'],
  causalLmArchitecture: 'GPTNeoXForCausalLM',
  parseConfig,
  spec,
  names: table,
  tiedHead: (config) => config.tiedHead,
});
