// The pre-norm decoder shared by GPT-2, GPT-NeoX and Llama (Radford et al. 2019; Black et al. 2022; Touvron et al.
// 2023). Each family resolves its config into a DecoderSpec and its checkpoint into this parameter struct (fusing
// q|k|v into one matrix, re-laying NeoX's per-head rows); this file describes the struct once, as shapes.
//
// Weights are stored as the checkpoint has them: GPT-2's Conv1D (in, out) is matmul layout `kn`, a torch Linear
// (out, in) is `nk`. q|k|v rows hold H query heads, then Hkv key heads, then Hkv value heads, each D wide.

import { ATTENTION_MAX_KEYS } from '../../kernels/attention/attention';
import { describe, type ConfigFields } from '../configFields';
import type { ModelDims } from '../family';
import type { MatmulWeights } from '../params';

export interface RotarySpec {
  /** Dimensions of each head that rotate (the first `dim`; the rest pass through): D·rotary_pct for NeoX, D for Llama. */
  dim: number;
  base: number; // rotary_emb_base / rope_theta
  /** Linear scaling (positions / factor); 1 = none. */
  scale: number;
}

export interface DecoderSpec {
  dims: ModelDims; // positions 'learned' or 'rotary'; norm 'layernorm' or 'rmsnorm'; activation gelu_* or silu
  weightLayout: 'kn' | 'nk';
  /** Biases on q|k|v and the attention output (GPT-2, NeoX; Qwen2 has them on q|k|v only). */
  qkvBias: boolean;
  attnOutBias: boolean;
  /** Biases in the MLP (GPT-2, NeoX). */
  mlpBias: boolean;
  /** 'gelu': out(act(in(x))); 'swiglu': down(silu(gate(x)) · up(x)) with gate|up fused as one (2F) matrix. */
  mlp: 'gelu' | 'swiglu';
  /** x + attn(ln1 x) + mlp(ln2 x) (GPT-NeoX's use_parallel_residual) instead of two sequential residuals. */
  parallelResidual: boolean;
  rotary?: RotarySpec;
}

export interface DecoderBlock<T> {
  ln1Weight: T; ln1Bias?: T; // (C): GPT-2 ln_1
  qkvWeight: T; qkvBias?: T; // kn (C, Q) / nk (Q, C), Q = (H + 2·Hkv)·D: GPT-2 attn.c_attn
  attnOutWeight: T; attnOutBias?: T; // kn (H·D, C) / nk (C, H·D): attn.c_proj
  ln2Weight: T; ln2Bias?: T; // (C): ln_2
  mlpInWeight: T; mlpInBias?: T; // kn (C, F) / nk (F, C); swiglu: (2F, C) gate rows then up rows: mlp.c_fc
  mlpOutWeight: T; mlpOutBias?: T; // kn (F, C) / nk (C, F): mlp.c_proj
}

export interface DecoderParams<T> {
  tokenEmbeddings: T; // (V, C): wte
  positionEmbeddings?: T; // (P, C): wpe (learned positions only)
  blocks: DecoderBlock<T>[]; // (L)
  lnfWeight: T; lnfBias?: T; // (C): ln_f
  lmHead?: T; // (V, C), only when untied from tokenEmbeddings
}

/**
 * The longest sequence a rotary decoder runs here: its max_position_embeddings, at most the attention kernels' 1024
 * keys (Pythia and TinyLlama were trained on 2048 positions, SmolLM2 on 8192). Rotary models store no position table,
 * so this sizes only the KV cache, the cos/sin table and the activations; the checkpoint is unaffected.
 */
export const rotaryContext = (maxPositionEmbeddings: number): number => Math.min(maxPositionEmbeddings, ATTENTION_MAX_KEYS);

/** config.json's rope_scaling: none (1), or linear (positions / factor); other types are refused by name. */
export function linearRopeScaling(fields: ConfigFields, typeKeys: readonly string[]): number {
  if (!fields.has('rope_scaling')) return 1;
  const scaling = fields.raw.rope_scaling;
  fields.check(typeof scaling === 'object' && !Array.isArray(scaling), 'rope_scaling must be an object such as {"type": "linear", "factor": 2.0}, or null');
  const entries = scaling as Record<string, unknown>;
  const type = typeKeys.map((key) => entries[key]).find((value) => value !== undefined);
  if (type === 'default') return 1;
  fields.check(type === 'linear', `rope_scaling type ${describe(type)} is not supported (supported: linear, or none)`);
  const factor = entries.factor;
  fields.check(typeof factor === 'number' && Number.isFinite(factor) && factor > 0, `rope_scaling.factor must be a positive number (got ${describe(factor)})`);
  return factor as number;
}

/** Width of one q|k|v row. */
export const qkvWidth = (dims: ModelDims): number => (dims.H + 2 * dims.Hkv) * dims.D;

/**
 * The weights that may be packed (f16, 8/4-bit): the blocks' four products, an untied LM head, and the token table
 * (V, C), which the embedding lookup reads packed too (so a tied head is packed with it).
 */
export const decoderMatmulWeights = (spec: DecoderSpec): MatmulWeights => (path) =>
  path === 'lmHead' || path === 'tokenEmbeddings' ? 'nk' : /^blocks\.\d+\.(qkv|attnOut|mlpIn|mlpOut)Weight$/.test(path) ? spec.weightLayout : undefined;

export function decoderShapes(spec: DecoderSpec, parts: { lmHead: boolean }): DecoderParams<number[]> {
  const { C, F, V, P, L, H, D, norm, positions } = spec.dims;
  const Q = qkvWidth(spec.dims);
  const A = H * D;
  const inner = spec.mlp === 'swiglu' ? 2 * F : F;
  const matrix = (inputs: number, outputs: number) => (spec.weightLayout === 'kn' ? [inputs, outputs] : [outputs, inputs]);
  const normBias = norm === 'layernorm' ? [C] : undefined;
  const block = (): DecoderBlock<number[]> => ({
    ln1Weight: [C], ln1Bias: normBias,
    qkvWeight: matrix(C, Q), qkvBias: spec.qkvBias ? [Q] : undefined,
    attnOutWeight: matrix(A, C), attnOutBias: spec.attnOutBias ? [C] : undefined,
    ln2Weight: [C], ln2Bias: normBias,
    mlpInWeight: matrix(C, inner), mlpInBias: spec.mlpBias ? [inner] : undefined,
    mlpOutWeight: matrix(F, C), mlpOutBias: spec.mlpBias ? [C] : undefined,
  });
  return {
    tokenEmbeddings: [V, C],
    positionEmbeddings: positions === 'learned' ? [P, C] : undefined,
    blocks: Array.from({ length: L }, block),
    lnfWeight: [C], lnfBias: normBias,
    lmHead: parts.lmHead ? [V, C] : undefined,
  };
}
