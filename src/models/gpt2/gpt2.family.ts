// GPT-2 (Radford et al. 2019) as Hugging Face's GPT2LMHeadModel saves it: pre-LayerNorm blocks, Conv1D weights
// (in, out), GELU tanh form (gelu_new), causal attention, LM head tied to wte. Names with or without `transformer.`.

import { CONFIG_LIMITS, GELU_FORMS, type ConfigFields } from '../configFields';
import { decoderFamily } from '../decoder/family';
import type { DecoderNameTable } from '../decoder/checkpoint';
import type { DecoderSpec } from '../decoder/params';
import type { ModelConfig } from '../family';

export interface Gpt2Config extends ModelConfig {
  family: 'gpt2';
  activationFunction: string; // as written in config.json
}

function parseConfig(fields: ConfigFields): Gpt2Config {
  const C = fields.positiveInteger('n_embd', CONFIG_LIMITS.width);
  const H = fields.positiveInteger('n_head', CONFIG_LIMITS.heads);
  const D = fields.heads('n_embd', C, 'n_head', H);
  fields.check(fields.raw.scale_attn_by_inverse_layer_idx !== true, 'scale_attn_by_inverse_layer_idx is not supported');
  fields.check(fields.raw.reorder_and_upcast_attn !== true, 'reorder_and_upcast_attn is not supported');
  fields.check(fields.raw.scale_attn_weights !== false, 'scale_attn_weights: false is not supported');
  return {
    family: 'gpt2',
    modelType: 'gpt2',
    architectures: fields.architectures(),
    dims: {
      L: fields.positiveInteger('n_layer', CONFIG_LIMITS.layers),
      C, H, Hkv: H, D,
      F: fields.has('n_inner') ? fields.positiveInteger('n_inner', CONFIG_LIMITS.innerWidth) : 4 * C,
      V: fields.positiveInteger('vocab_size', CONFIG_LIMITS.vocabulary),
      P: fields.positiveInteger('n_positions', CONFIG_LIMITS.positions),
      eps: fields.positiveNumber('layer_norm_epsilon', 1e-5),
      activation: fields.oneOf('activation_function', GELU_FORMS, 'gelu_new'),
      positions: 'learned',
      norm: 'layernorm',
      prenorm: true,
      typeVocabSize: 0,
    },
    labels: fields.labels(),
    special: { bos: fields.optionalTokenId('bos_token_id'), eos: fields.optionalTokenId('eos_token_id'), pad: fields.optionalTokenId('pad_token_id') },
    activationFunction: fields.string('activation_function', 'gelu_new'),
    raw: fields.raw,
  };
}

const spec = (config: Gpt2Config): DecoderSpec => ({
  dims: config.dims,
  weightLayout: 'kn',
  qkvBias: true,
  attnOutBias: true,
  mlpBias: true,
  mlp: 'gelu',
  parallelResidual: false,
});

const pair = (path: string) => [[`${path}.weight`], [`${path}.bias`]] as const;

const table: DecoderNameTable = {
  bodyPrefixes: ['transformer.', ''],
  tokenEmbeddings: ['wte.weight'],
  positionEmbeddings: ['wpe.weight'],
  block: (l) => ({
    ln1: pair(`h.${l}.ln_1`),
    qkv: { fused: pair(`h.${l}.attn.c_attn`) },
    attnOut: pair(`h.${l}.attn.c_proj`),
    ln2: pair(`h.${l}.ln_2`),
    mlpIn: pair(`h.${l}.mlp.c_fc`),
    mlpOut: pair(`h.${l}.mlp.c_proj`),
  }),
  lnf: pair('ln_f'),
  lmHead: ['lm_head.weight'],
};

export const gpt2 = decoderFamily<Gpt2Config>({
  id: 'gpt2',
  label: 'GPT-2',
  modelTypes: ['gpt2'],
  hubSuggestions: ['gpt2', 'distilgpt2', 'gpt2-medium', 'sshleifer/tiny-gpt2'],
  builtinTokenizer: 'gpt2',
  causalLmArchitecture: 'GPT2LMHeadModel',
  parseConfig,
  spec,
  names: () => table,
});
