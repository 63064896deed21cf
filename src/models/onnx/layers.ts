// Transformer pieces written as standard ONNX operators (opset 17), shared by the encoder and decoder exports.
// Values are (B, T, ...) with symbolic batch and sequence sizes. GELU is composed from Erf or Tanh (the Gelu
// operator is opset 20), so both onnxruntime-web's wasm and WebGPU providers run every node. The one exception:
// matmul weights exported in 4 or 8 bits are onnxruntime's contrib operator com.microsoft MatMulNBits.

import { packingProblem, packWeight, QUANT_BLOCK, type PackedWeight } from '../../kernels/matmul/packed.ref';
import type { HostTensor } from '../../weights/host-tensor';
import type { GraphWeights } from '../family';
import { float, type GraphBuilder } from './graphBuilder';

/** Added to the scores of keys a query must not see; exp() of it is exactly 0 in float32. */
const MASKED_SCORE = -1e9;

/** Dimension `axis` of `x`'s shape, as an int64 scalar. */
export function dimension(g: GraphBuilder, x: string, axis: number, out: string): string {
  const shape = g.op('Shape', [x], `${out}.shape`);
  return g.op('Gather', [shape, sharedInt64s(g, `axis_${axis}`, [axis], [])], out);
}

/** Positions start..end-1, int64 (end - start). */
export function positions(g: GraphBuilder, start: string, end: string, out: string): string {
  return g.op('Range', [start, end, sharedInt64s(g, 'one', [1], [])], out);
}

export const zeroInt64 = (g: GraphBuilder) => sharedInt64s(g, 'zero', [0], []);

/**
 * The additive attention bias, (B, 1, Tq or 1, Tk): MASKED_SCORE for padding keys (attention_mask (B, Tk) is 0) and,
 * when `causal` gives the absolute positions of queries (Tq) and keys (Tk), for keys after their query.
 */
export function attentionBias(g: GraphBuilder, mask: string, causal: { queries: string; keys: string } | null): string {
  const keep = g.op('Cast', [mask], 'mask_float', { to: 1 }); // (B, Tk)
  const dropped = g.op('Sub', [constant(g, 'one_float', 1), keep], 'mask_dropped'); // (B, Tk)
  const padding = g.op('Mul', [dropped, constant(g, 'masked_score', MASKED_SCORE)], 'padding_bias');
  const keyBias = g.op('Unsqueeze', [padding, g.int64s('axes_1_2', [1, 2])], 'key_bias'); // (B, 1, 1, Tk)
  if (!causal) return keyBias;
  const rows = g.op('Unsqueeze', [causal.queries, g.int64s('axes_1', [1])], 'query_column'); // (Tq, 1)
  const future = g.op('Greater', [causal.keys, rows], 'future_keys'); // (Tq, Tk) bool
  const causalBias = g.op('Where', [future, 'masked_score', constant(g, 'zero_float', 0)], 'causal_bias'); // (Tq, Tk)
  return g.op('Add', [keyBias, causalBias], 'attention_bias'); // (B, 1, Tq, Tk)
}

export function layerNorm(g: GraphBuilder, x: string, gamma: HostTensor, beta: HostTensor, eps: number, out: string): string {
  const scale = g.weight(gamma.name, gamma.shape, gamma.data);
  const bias = g.weight(beta.name, beta.shape, beta.data);
  return g.op('LayerNormalization', [x, scale, bias], out, { axis: -1, epsilon: float(eps) });
}

/**
 * A matmul weight as the checkpoint stores it, (K, N) for 'kn' (Conv1D) or (N, K) for 'nk' (torch Linear), and the
 * format its product is exported in: 'f32' for every weight the engine does not pack.
 */
export interface MatmulWeight {
  tensor: HostTensor;
  layout: 'kn' | 'nk';
  format: GraphWeights;
}

/**
 * x (..., K) @ w -> (..., N), named `out`: MatMul on the f32 (K, N) matrix (under the checkpoint's name), or, in 'q4'
 * or 'q8' where K allows packing (packingProblem; otherwise f32), MatMulNBits on the packed weight (its B under the
 * checkpoint's name, its scales `<name>.scales`), computing with exactly the values the engine's packed kernels read.
 */
export function matmul(g: GraphBuilder, x: string, { tensor, layout, format }: MatmulWeight, out: string): string {
  const [N, K] = layout === 'nk' ? tensor.shape : [tensor.shape[1], tensor.shape[0]];
  if (format !== 'f32' && !packingProblem(K, format)) {
    const bits = format === 'q4' ? 4 : 8;
    const blocks = K / QUANT_BLOCK;
    const { bytes, scales } = matMulNBitsInputs(packWeight(tensor.data, N, K, layout, format));
    const b = g.uint8s(tensor.name, [N, blocks, (QUANT_BLOCK * bits) / 8], bytes);
    const attributes = { K, N, bits, block_size: QUANT_BLOCK };
    return g.op('MatMulNBits', [x, b, g.weight(`${tensor.name}.scales`, [N, blocks], scales)], out, attributes, 'com.microsoft');
  }
  const matrix = layout === 'kn' ? tensor : transposed(tensor.name, tensor.shape, tensor.data);
  return g.op('MatMul', [x, g.weight(matrix.name, matrix.shape, matrix.data)], out);
}

/**
 * MatMulNBits' B, (N, K/32, bytes per block) row-major, and scales (N, K/32) for a q4 or q8 packed weight, with no
 * zero_points input (the default zero point 2^(bits-1)). q4: the words' bytes as they are (byte i holds elements 2i in
 * its low nibble and 2i + 1 in its high one, stored q + 8). q8: each signed byte q stored as q + 128 (the sign bit
 * flipped), so that MatMulNBits' (stored - 128) · scale is our q · scale.
 */
export function matMulNBitsInputs(packed: PackedWeight): { bytes: Uint8Array; scales: Float32Array } {
  const { format, words, scalesOffset } = packed;
  if (format !== 'q4' && format !== 'q8') throw new Error(`MatMulNBits takes 4- or 8-bit weights, not ${format}.`);
  const flip = format === 'q8' ? 0x80 : 0;
  const bytes = Uint8Array.from({ length: scalesOffset * 4 }, (_, i) => ((words[i >> 2] >>> ((i & 3) * 8)) & 0xff) ^ flip);
  return { bytes, scales: new Float32Array(words.buffer, words.byteOffset + scalesOffset * 4, words.length - scalesOffset) };
}

/** x @ w (+ b), `out` naming the result. */
export function linear(g: GraphBuilder, x: string, w: MatmulWeight, b: HostTensor | undefined, out: string): string {
  const product = matmul(g, x, w, b ? `${out}.matmul` : out);
  return b ? g.op('Add', [product, g.weight(b.name, b.shape, b.data)], out) : product;
}

/** Exact GELU, x·Φ(x) = 0.5·x·(1 + erf(x/√2)) (BERT). */
export function geluErf(g: GraphBuilder, x: string, out: string): string {
  const scaled = g.op('Mul', [x, constant(g, 'inv_sqrt2', Math.SQRT1_2)], `${out}.scaled`);
  const erf = g.op('Erf', [scaled], `${out}.erf`);
  const onePlus = g.op('Add', [erf, constant(g, 'one_float', 1)], `${out}.one_plus`);
  const half = g.op('Mul', [x, constant(g, 'half', 0.5)], `${out}.half`);
  return g.op('Mul', [half, onePlus], out);
}

/** GPT-2's gelu_new: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function geluTanh(g: GraphBuilder, x: string, out: string): string {
  const cube = g.op('Mul', [g.op('Mul', [x, x], `${out}.square`), x], `${out}.cube`);
  const inner = g.op('Add', [x, g.op('Mul', [cube, constant(g, 'gelu_coefficient', 0.044715)], `${out}.cubic`)], `${out}.inner`);
  const scaled = g.op('Mul', [inner, constant(g, 'sqrt_2_over_pi', Math.sqrt(2 / Math.PI))], `${out}.scaled`);
  const onePlus = g.op('Add', [g.op('Tanh', [scaled], `${out}.tanh`), constant(g, 'one_float', 1)], `${out}.one_plus`);
  const half = g.op('Mul', [x, constant(g, 'half', 0.5)], `${out}.half`);
  return g.op('Mul', [half, onePlus], out);
}

/** The feed-forward activation by name. */
export function activation(g: GraphBuilder, kind: 'gelu_erf' | 'gelu_tanh' | 'relu' | 'silu', x: string, out: string): string {
  if (kind === 'gelu_erf') return geluErf(g, x, out);
  if (kind === 'gelu_tanh') return geluTanh(g, x, out);
  if (kind === 'relu') return g.op('Relu', [x], out);
  return g.op('Mul', [x, g.op('Sigmoid', [x], `${out}.sigmoid`)], out); // SiLU
}

/**
 * Multi-head self-attention on packed q | k | v rows, (B, T, 3C). With `past` keys and values (B, H, P, D) the new
 * ones are appended. Returns the context (B, T, C), the probabilities (B, H, T, P + T) and the keys and values
 * (B, H, P + T, D).
 */
export function selfAttention(g: GraphBuilder, qkv: string, bias: string, H: number, D: number, prefix: string, past?: { key: string; value: string }) {
  const C = H * D;
  const split = g.int64s(`${prefix}.split_sizes`, [C, C, C]);
  const [q, k, v] = g.opWithOutputs('Split', [qkv, split], [`${prefix}.q`, `${prefix}.k`, `${prefix}.v`], { axis: 2 });
  const headsShape = sharedInt64s(g, 'heads_shape', [0, 0, H, D]);
  const heads = (x: string, name: string) =>
    g.op('Transpose', [g.op('Reshape', [x, headsShape], `${name}.rows`)], name, { perm: [0, 2, 1, 3] }); // (B, H, T, D)
  const qh = heads(q, `${prefix}.q_heads`);
  let key = heads(k, `${prefix}.k_heads`);
  let value = heads(v, `${prefix}.v_heads`);
  if (past) {
    key = g.op('Concat', [past.key, key], `${prefix}.keys`, { axis: 2 }); // (B, H, P + T, D)
    value = g.op('Concat', [past.value, value], `${prefix}.values`, { axis: 2 });
  }
  const kt = g.op('Transpose', [key], `${prefix}.k_transposed`, { perm: [0, 1, 3, 2] }); // (B, H, D, Tk)
  const dots = g.op('MatMul', [qh, kt], `${prefix}.dots`); // (B, H, T, Tk)
  const scores = g.op('Mul', [dots, constant(g, 'inv_sqrt_head_size', 1 / Math.sqrt(D))], `${prefix}.scores`);
  const masked = g.op('Add', [scores, bias], `${prefix}.masked_scores`);
  const probs = g.op('Softmax', [masked], `${prefix}.probs`, { axis: -1 }); // (B, H, T, Tk)
  const context = g.op('MatMul', [probs, value], `${prefix}.context_heads`); // (B, H, T, D)
  const merged = g.op('Transpose', [context], `${prefix}.context_rows`, { perm: [0, 2, 1, 3] }); // (B, T, H, D)
  const out = g.op('Reshape', [merged, sharedInt64s(g, 'rows_shape', [0, 0, C])], `${prefix}.context`); // (B, T, C)
  return { context: out, probs, key, value };
}

/**
 * x (B, T, C) @ tableᵀ (+ bias), table (V, C): a tied (or untied) output projection that shares the embedding
 * initializer, as Gemm with transB on (B·T, C) rows. Returns (B, T, V).
 */
export function projectOnTable(g: GraphBuilder, x: string, ids: string, table: string, C: number, V: number, bias: string | null, out: string): string {
  const rows = g.op('Reshape', [x, g.int64s('flat_rows_shape', [-1, C])], `${out}.rows`); // (B·T, C)
  const product = g.op('Gemm', bias ? [rows, table, bias] : [rows, table], `${out}.flat`, { transB: 1 }); // (B·T, V)
  const shape = g.op('Concat', [g.op('Shape', [ids], `${out}.batch_and_length`), g.int64s('vocab_size', [V])], `${out}.shape`, { axis: 0 });
  return g.op('Reshape', [product, shape], out); // (B, T, V)
}

/** A float scalar initializer created on first use and shared after. */
function constant(g: GraphBuilder, name: string, value: number): string {
  return g.has(name) ? name : g.scalar(name, value);
}

function sharedInt64s(g: GraphBuilder, name: string, values: number[], dims?: number[]): string {
  return g.has(name) ? name : g.int64s(name, values, dims);
}

/** A torch Linear weight (N, K) as the (K, N) matrix x @ w needs, under the same name. */
function transposed(name: string, [N, K]: readonly number[], data: Float32Array): HostTensor {
  const out = new Float32Array(K * N);
  for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) out[k * N + n] = data[n * K + k];
  return { name, shape: [K, N], data: out };
}
