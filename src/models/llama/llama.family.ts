// Llama (Touvron et al. 2023; SmolLM2, TinyLlama) as Hugging Face's LlamaForCausalLM saves it: pre-RMSNorm blocks,
// separate q/k/v projections (stacked into one q|k|v matrix on load) with grouped-query attention (num_key_value_heads),
// rotary embeddings on the whole head (rope_theta, linear rope_scaling), the SwiGLU MLP down(silu(gate x)·up x) (gate
// and up stacked likewise), no biases unless attention_bias / mlp_bias, the LM head tied or not. Qwen2 (../qwen2)
// reads the same names with q/k/v biases. Names under `model.` (or none: LlamaModel's own save).

import { CONFIG_LIMITS, type ConfigFields } from '../configFields';
import type { DecoderNameTable } from '../decoder/checkpoint';
import { decoderFamily } from '../decoder/family';
import { linearRopeScaling, rotaryContext, type DecoderSpec } from '../decoder/params';
import type { ModelConfig, ModelDims } from '../family';

export interface LlamaConfig extends ModelConfig {
  family: 'llama' | 'qwen2';
  ropeTheta: number;
  /** rope_scaling {rope_type (or type): 'linear', factor}; 1 without. */
  ropeScale: number;
  /** Biases on q, k and v (Llama's attention_bias; always for Qwen2) and on o_proj (attention_bias only). */
  qkvBias: boolean;
  attnOutBias: boolean;
  mlpBias: boolean;
  tiedHead: boolean;
  /** config.json's max_position_embeddings (dims.P is what this app runs; see rotaryContext). */
  maxPositionEmbeddings: number;
}

/**
 * The dimensions Llama and Qwen2 share. `headDimKey`: Llama reads head_dim (C need not be H·D); Qwen2 does not
 * (D = C / H).
 */
export function parseLlamaFields(fields: ConfigFields, options: { family: LlamaConfig['family']; headDimKey: boolean; maxPositions: number }) {
  const C = fields.positiveInteger('hidden_size', CONFIG_LIMITS.width);
  const H = fields.positiveInteger('num_attention_heads', CONFIG_LIMITS.heads);
  const Hkv = fields.positiveInteger('num_key_value_heads', CONFIG_LIMITS.heads, H);
  fields.check(H % Hkv === 0, `num_attention_heads ${H} is not a multiple of num_key_value_heads ${Hkv}`);
  const D = options.headDimKey && fields.has('head_dim')
    ? fields.positiveInteger('head_dim', CONFIG_LIMITS.headSize)
    : fields.heads('hidden_size', C, 'num_attention_heads', H);
  fields.check(D % 2 === 0, `the head size ${D} must be even for rotary embeddings`);
  const act = fields.string('hidden_act', 'silu');
  fields.check(act === 'silu', `hidden_act "${act}" is not supported (supported: silu)`);
  const maxPositionEmbeddings = fields.positiveInteger('max_position_embeddings', CONFIG_LIMITS.positions, options.maxPositions);
  const dims: ModelDims = {
    L: fields.positiveInteger('num_hidden_layers', CONFIG_LIMITS.layers),
    C, H, Hkv, D,
    F: fields.positiveInteger('intermediate_size', CONFIG_LIMITS.innerWidth),
    V: fields.positiveInteger('vocab_size', CONFIG_LIMITS.vocabulary),
    P: rotaryContext(maxPositionEmbeddings),
    eps: fields.positiveNumber('rms_norm_eps', 1e-6),
    activation: 'silu',
    positions: 'rotary',
    norm: 'rmsnorm',
    prenorm: true,
    typeVocabSize: 0,
  };
  return {
    family: options.family,
    modelType: fields.string('model_type'),
    architectures: fields.architectures(),
    dims,
    labels: fields.labels(),
    special: { bos: fields.optionalTokenId('bos_token_id'), eos: fields.optionalTokenId('eos_token_id'), pad: fields.optionalTokenId('pad_token_id') },
    ropeTheta: fields.positiveNumber('rope_theta', 10000),
    ropeScale: linearRopeScaling(fields, ['rope_type', 'type']),
    tiedHead: fields.boolean('tie_word_embeddings', false),
    maxPositionEmbeddings,
    raw: fields.raw,
  };
}

function parseConfig(fields: ConfigFields): LlamaConfig {
  const attentionBias = fields.boolean('attention_bias', false);
  return {
    ...parseLlamaFields(fields, { family: 'llama', headDimKey: true, maxPositions: 2048 }),
    qkvBias: attentionBias,
    attnOutBias: attentionBias,
    mlpBias: fields.boolean('mlp_bias', false),
  };
}

export const llamaSpec = (config: LlamaConfig): DecoderSpec => ({
  dims: config.dims,
  weightLayout: 'nk',
  qkvBias: config.qkvBias,
  attnOutBias: config.attnOutBias,
  mlpBias: config.mlpBias,
  mlp: 'swiglu',
  parallelResidual: false,
  rotary: { dim: config.dims.D, base: config.ropeTheta, scale: config.ropeScale },
});

const pair = (path: string) => [[`${path}.weight`], [`${path}.bias`]] as const;

export const llamaNames: DecoderNameTable = {
  bodyPrefixes: ['model.', ''],
  tokenEmbeddings: ['embed_tokens.weight'],
  block: (l) => ({
    ln1: pair(`layers.${l}.input_layernorm`),
    qkv: { q: pair(`layers.${l}.self_attn.q_proj`), k: pair(`layers.${l}.self_attn.k_proj`), v: pair(`layers.${l}.self_attn.v_proj`) },
    attnOut: pair(`layers.${l}.self_attn.o_proj`),
    ln2: pair(`layers.${l}.post_attention_layernorm`),
    mlpIn: { gate: pair(`layers.${l}.mlp.gate_proj`), up: pair(`layers.${l}.mlp.up_proj`) },
    mlpOut: pair(`layers.${l}.mlp.down_proj`),
  }),
  lnf: pair('norm'),
  lmHead: ['lm_head.weight'],
};

export const llama = decoderFamily<LlamaConfig>({
  id: 'llama',
  label: 'Llama',
  modelTypes: ['llama'],
  hubSuggestions: ['HuggingFaceTB/SmolLM2-135M', 'HuggingFaceTB/SmolLM2-360M', 'TinyLlama/TinyLlama-1.1B-Chat-v1.0'],
  causalLmArchitecture: 'LlamaForCausalLM',
  parseConfig,
  spec: llamaSpec,
  names: () => llamaNames,
  tiedHead: (config) => config.tiedHead,
});
