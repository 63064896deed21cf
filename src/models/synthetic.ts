// GPT-2 and BERT checkpoints built in memory at any size (tiny for tests, real shapes for benchmarks), in every naming
// variant real checkpoints use. The names are written out here, independently of the families' name tables, so the
// loader tests check those tables against a second account. Values are deterministic pseudo-random numbers.

import { numelOf, type HostTensor } from '../weights/host-tensor';
import type { ModelConfig } from './family';
import { parseModelConfig } from './registry';

export interface SyntheticGpt2Options {
  prefix?: boolean; // `transformer.` names, as GPT2LMHeadModel saves them (default true)
  untiedHead?: boolean; // store `lm_head.weight` (default false: tied to wte, not stored)
}

export interface SyntheticBertOptions {
  prefix?: boolean; // `bert.` names (default true)
  gammaBeta?: boolean; // LayerNorm as gamma/beta, as older checkpoints store it (default false)
  pooler?: boolean; // default true
  mlmHead?: boolean; // default true
  untiedDecoder?: boolean; // store `cls.predictions.decoder.weight` (default false)
  classifier?: boolean; // default false
}

export function syntheticGpt2Config(overrides: Record<string, unknown> = {}): ModelConfig {
  const json = { model_type: 'gpt2', vocab_size: 11, n_positions: 8, n_embd: 4, n_layer: 2, n_head: 2, ...overrides };
  return parseModelConfig({ activation_function: 'gelu_new', n_inner: null, ...json });
}

export function syntheticBertConfig(overrides: Record<string, unknown> = {}): ModelConfig {
  const json = {
    model_type: 'bert',
    vocab_size: 13,
    hidden_size: 4,
    num_hidden_layers: 2,
    num_attention_heads: 2,
    intermediate_size: 6,
    max_position_embeddings: 8,
    type_vocab_size: 2,
    ...overrides,
  };
  return parseModelConfig({ hidden_act: 'gelu', layer_norm_eps: 1e-12, ...json });
}

export function syntheticGpt2Tensors(config: ModelConfig, options: SyntheticGpt2Options = {}): HostTensor[] {
  const prefix = options.prefix === false ? '' : 'transformer.';
  const { V, P, C, F, L } = config.dims;
  const tensors = [
    filled(`${prefix}wte.weight`, [V, C]),
    filled(`${prefix}wpe.weight`, [P, C]),
    filled(`${prefix}ln_f.weight`, [C]),
    filled(`${prefix}ln_f.bias`, [C]),
  ];
  for (let layer = 0; layer < L; layer++) {
    const block = `${prefix}h.${layer}.`;
    tensors.push(
      filled(`${block}ln_1.weight`, [C]),
      filled(`${block}ln_1.bias`, [C]),
      filled(`${block}attn.c_attn.weight`, [C, 3 * C]),
      filled(`${block}attn.c_attn.bias`, [3 * C]),
      filled(`${block}attn.c_proj.weight`, [C, C]),
      filled(`${block}attn.c_proj.bias`, [C]),
      filled(`${block}ln_2.weight`, [C]),
      filled(`${block}ln_2.bias`, [C]),
      filled(`${block}mlp.c_fc.weight`, [C, F]),
      filled(`${block}mlp.c_fc.bias`, [F]),
      filled(`${block}mlp.c_proj.weight`, [F, C]),
      filled(`${block}mlp.c_proj.bias`, [C]),
    );
  }
  if (options.untiedHead) tensors.push(filled('lm_head.weight', [V, C]));
  return tensors;
}

export function syntheticBertTensors(config: ModelConfig, options: SyntheticBertOptions = {}): HostTensor[] {
  const prefix = options.prefix === false ? '' : 'bert.';
  const [lnWeight, lnBias] = options.gammaBeta ? ['gamma', 'beta'] : ['weight', 'bias'];
  const { V, P, typeVocabSize: TV, C, F, L } = config.dims;
  const tensors = [
    filled(`${prefix}embeddings.word_embeddings.weight`, [V, C]),
    filled(`${prefix}embeddings.position_embeddings.weight`, [P, C]),
    filled(`${prefix}embeddings.token_type_embeddings.weight`, [TV, C]),
    filled(`${prefix}embeddings.LayerNorm.${lnWeight}`, [C]),
    filled(`${prefix}embeddings.LayerNorm.${lnBias}`, [C]),
  ];
  for (let layer = 0; layer < L; layer++) {
    const base = `${prefix}encoder.layer.${layer}.`;
    for (const projection of ['query', 'key', 'value']) {
      tensors.push(filled(`${base}attention.self.${projection}.weight`, [C, C]));
      tensors.push(filled(`${base}attention.self.${projection}.bias`, [C]));
    }
    tensors.push(
      filled(`${base}attention.output.dense.weight`, [C, C]),
      filled(`${base}attention.output.dense.bias`, [C]),
      filled(`${base}attention.output.LayerNorm.${lnWeight}`, [C]),
      filled(`${base}attention.output.LayerNorm.${lnBias}`, [C]),
      filled(`${base}intermediate.dense.weight`, [F, C]),
      filled(`${base}intermediate.dense.bias`, [F]),
      filled(`${base}output.dense.weight`, [C, F]),
      filled(`${base}output.dense.bias`, [C]),
      filled(`${base}output.LayerNorm.${lnWeight}`, [C]),
      filled(`${base}output.LayerNorm.${lnBias}`, [C]),
    );
  }
  if (options.pooler !== false) {
    tensors.push(filled(`${prefix}pooler.dense.weight`, [C, C]), filled(`${prefix}pooler.dense.bias`, [C]));
  }
  if (options.mlmHead !== false) {
    tensors.push(
      filled('cls.predictions.transform.dense.weight', [C, C]),
      filled('cls.predictions.transform.dense.bias', [C]),
      filled(`cls.predictions.transform.LayerNorm.${lnWeight}`, [C]),
      filled(`cls.predictions.transform.LayerNorm.${lnBias}`, [C]),
      filled('cls.predictions.bias', [V]),
    );
    if (options.untiedDecoder) tensors.push(filled('cls.predictions.decoder.weight', [V, C]));
  }
  if (options.classifier) {
    tensors.push(filled('classifier.weight', [config.labels.numLabels, C]), filled('classifier.bias', [config.labels.numLabels]));
  }
  return tensors;
}

/** Values in [-1, 1) from a small linear congruential generator seeded by the name. */
function filled(name: string, shape: number[]): HostTensor {
  let state = [...name].reduce((hash, char) => (Math.imul(hash, 31) + char.charCodeAt(0)) >>> 0, 2166136261);
  const data = new Float32Array(numelOf(shape));
  for (let i = 0; i < data.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    data[i] = state / 2 ** 31 - 1;
  }
  return { name, shape, data };
}
