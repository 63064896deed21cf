// The operations a transformer forward pass needs, over an opaque buffer type. Two implementations: the GPU one
// records WGSL dispatches into one command encoder (src/kernels), the CPU one runs the kernels' CPU references on
// Float32Arrays (the fallback where WebGPU is missing, and a second opinion in tests). The models in this folder are
// written once, against this interface, layer by layer.

export type { Activation } from '../kernels/matmul/matmul.ref';
import type { Activation } from '../kernels/matmul/matmul.ref';
export { WEIGHT_FORMATS, type WeightFormat } from '../kernels/matmul/packed.ref';
import type { WeightFormat } from '../kernels/matmul/packed.ref';
import type { CopyRowsArgs } from '../kernels/copyRows/copyRows.ref';

export interface MatmulArgs<Buf> {
  x: Buf; // (M, K), rows from xRowOffset
  w: Buf; // (K, N) for 'kn' (Conv1D), (N, K) for 'nk' (torch Linear, tied embedding)
  bias?: Buf; // (N)
  out: Buf; // (M, N) written at rows [outRowOffset, outRowOffset + M) of a (rows, N) buffer
  M: number;
  N: number;
  K: number;
  wLayout: 'kn' | 'nk';
  activation?: Activation;
  xRowOffset?: number;
  outRowOffset?: number;
  /** 'nk' only: the output rows [wRowOffset, wRowOffset + N) of w (and bias elements from there): part of a fused q|k|v matrix. */
  wRowOffset?: number;
}

interface AttentionShape<Buf> {
  out: Buf; // (Tq, H·D)
  probs?: Buf; // (H, Tq, Tk) attention probabilities, written only when given
  keyMask?: Buf; // (Tk) u32, 1 = attend, 0 = padding
  Tq: number;
  Tk: number;
  H: number;
  /** Key/value heads (grouped-query attention): query head h reads kv head floor(h / (H / Hkv)). Default H. */
  Hkv?: number;
  D: number; // head size
  causal: boolean;
  qOffset: number; // absolute position of the first query; with `causal`, query i sees keys 0..qOffset+i
}

/**
 * Either packed rows, (Tk, (H + 2·Hkv)·D) q | k | v side by side in each row with the queries at rows
 * [qOffset, qOffset + Tq) (GPT-2's and BERT's layout); or the queries apart, (Tq, H·D), beside a KV cache of the kv
 * heads only, (rows, 2·Hkv·D) k | v rows of which the first Tk are read. The queries' rows may be wider than H·D
 * (`qStride`: the q | k | v rows of a fused Conv1D product, queries first).
 */
export type AttentionArgs<Buf> = AttentionShape<Buf> & ({ qkv: Buf } | { q: Buf; kv: Buf; qStride?: number });

/** The attention kernels' layout (src/kernels/attention) for either form of AttentionArgs. */
export function attentionLayout<Buf>(a: AttentionArgs<Buf>) {
  const { H, D, Hkv = H } = a;
  if ('qkv' in a) {
    const row = (H + 2 * Hkv) * D;
    return { q: a.qkv, k: a.qkv, v: a.qkv, Hkv, qStride: row, kvStride: row, qCol: a.qOffset * row, kCol: H * D, vCol: (H + Hkv) * D };
  }
  return { q: a.q, k: a.kv, v: a.kv, Hkv, qStride: a.qStride ?? H * D, kvStride: 2 * Hkv * D, qCol: 0, kCol: 0, vCol: Hkv * D };
}

export interface RopeArgs<Buf> {
  /** Rotated in place: head h of row r at x[(rowOffset + r)·stride + h·D]; row r sits at position positionOffset + r. */
  x: Buf;
  table: Buf; // (positions, rotaryDim / 2, 2) cos, sin from ropeTable
  rows: number;
  heads: number;
  D: number;
  rotaryDim: number; // the first rotaryDim dimensions of each head rotate (rotate-half), the rest pass through
  stride: number;
  rowOffset: number;
  positionOffset: number;
}

export interface Backend<Buf> {
  readonly name: 'webgpu' | 'cpu';
  /** How `fromWeight` stores matmul weights (f32, or packed: kernels/matmul/packed.ref.ts). */
  readonly weights: WeightFormat;
  /** A float buffer of the given shape (contents undefined). */
  alloc(shape: number[], label: string): Buf;
  /** A float buffer holding `data` (weights, inputs). */
  fromFloats(data: Float32Array, shape: number[], label: string): Buf;
  /**
   * A matmul weight, (K, N) for 'kn' or (N, K) for 'nk', stored in the backend's weight format (f32, or packed f16 /
   * 8-bit / 4-bit: kernels/matmul/packed.ref.ts); only `matmul` reads it, with the same `wLayout` as given here.
   */
  fromWeight(data: Float32Array, shape: number[], layout: 'kn' | 'nk', label: string): Buf;
  /** A u32 buffer holding `data` (token ids, type ids, masks). */
  fromInts(data: Uint32Array, label: string): Buf;
  free(buf: Buf): void;

  /** Token (+ position, + token type) embeddings; without `wpe` (rotary models) the token rows alone. */
  embedding(args: {
    ids: Buf; // (T) u32
    wte: Buf; // (V, C)
    wpe?: Buf; // (P, C)
    typeIds?: Buf; // (T) u32
    wtt?: Buf; // (TV, C)
    positionIds?: Buf; // (T) u32 explicit positions (RoBERTa's); default positionOffset + t
    out: Buf; // (T, C)
    T: number;
    C: number;
    positionOffset: number;
  }): void;
  layernorm(args: { x: Buf; gamma: Buf; beta: Buf; out: Buf; rows: number; C: number; eps: number }): void;
  /** Llama's RMSNorm: out = x / sqrt(mean(x²) + eps) · weight per row. */
  rmsnorm(args: { x: Buf; weight: Buf; out: Buf; rows: number; C: number; eps: number }): void;
  matmul(args: MatmulArgs<Buf>): void;
  attention(args: AttentionArgs<Buf>): void;
  /** Rotary position embedding in place (Hugging Face's rotate-half), on q heads or on a KV cache's new key rows. */
  rope(args: RopeArgs<Buf>): void;
  /** out (rows, F) = silu(gate)·up from one fused (rows, 2F) gate | up product. */
  swiglu(args: { gateUp: Buf; out: Buf; rows: number; F: number }): void;
  add(args: { a: Buf; b: Buf; out: Buf; n: number }): void;
  /** A (rows, cols) block of src into dst, at strides and offsets of its own on each side (src/kernels/copyRows). */
  copyRows(args: CopyRowsArgs<Buf>): void;

  /**
   * Picks the next token from one row of logits, (V): argmax when temperature is 0, else softmax(logits / t)
   * restricted to the top-k and the top-p nucleus, sampled with `uniform` in [0, 1). Resolves after `flush()`.
   */
  sample(args: { logits: Buf; V: number; temperature: number; topK: number; topP: number; uniform: number }): Promise<number>;
  /** The k most probable tokens of one row of logits, (V), with their softmax probabilities. Resolves after `flush()`. */
  topProbabilities(args: { logits: Buf; V: number; k: number }): Promise<{ ids: number[]; probs: number[] }>;

  /** Schedules a read of `count` floats from `offset`; resolves after `flush()`. */
  read(buf: Buf, offset?: number, count?: number): Promise<Float32Array>;
  /** Runs everything recorded so far (GPU: one submit) and resolves the scheduled reads. */
  flush(): Promise<void>;
  /**
   * Runs `run` (forward passes) as a dry run that records but computes nothing (reads resolve to zeros), compiling
   * every pipeline it needs ahead, asynchronously and in parallel; resolves with how many, once they are ready.
   * Only this backend's recordings are dry meanwhile. The CPU backend has nothing to compile.
   */
  compileAhead(run: () => Promise<unknown>): Promise<number>;
}

/** The FFN activation as a matmul epilogue (SiLU has none: SwiGLU applies it in its own kernel). */
export function epilogue(activation: 'gelu_erf' | 'gelu_tanh' | 'relu' | 'silu'): Activation {
  if (activation === 'silu') throw new Error('SiLU is applied by the SwiGLU kernel, not as a matmul epilogue.');
  return activation;
}
