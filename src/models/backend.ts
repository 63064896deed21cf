// The operations a transformer forward pass needs, over an opaque buffer type. Two implementations: the GPU one
// records WGSL dispatches into one command encoder (src/kernels), the CPU one runs the kernels' CPU references on
// Float32Arrays (the fallback where WebGPU is missing, and a second opinion in tests). The models in this folder are
// written once, against this interface, layer by layer.

export type { Activation } from '../kernels/matmul/matmul.ref';
import type { Activation } from '../kernels/matmul/matmul.ref';

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
}

export interface AttentionArgs<Buf> {
  qkv: Buf; // (Tk, 3C): q | k | v side by side in each row; queries are rows [qOffset, qOffset + Tq)
  out: Buf; // (Tq, C)
  probs?: Buf; // (H, Tq, Tk) attention probabilities, written only when given
  keyMask?: Buf; // (Tk) u32, 1 = attend, 0 = padding
  Tq: number;
  Tk: number;
  H: number;
  D: number; // head size, C = H * D
  causal: boolean;
  qOffset: number; // absolute position of the first query; with `causal`, query i sees keys 0..qOffset+i
}

export interface Backend<Buf> {
  readonly name: 'webgpu' | 'cpu';
  /** A float buffer of the given shape (contents undefined). */
  alloc(shape: number[], label: string): Buf;
  /** A float buffer holding `data` (weights, inputs). */
  fromFloats(data: Float32Array, shape: number[], label: string): Buf;
  /** A u32 buffer holding `data` (token ids, type ids, masks). */
  fromInts(data: Uint32Array, label: string): Buf;
  free(buf: Buf): void;

  embedding(args: {
    ids: Buf; // (T) u32
    wte: Buf; // (V, C)
    wpe: Buf; // (P, C)
    typeIds?: Buf; // (T) u32
    wtt?: Buf; // (TV, C)
    positionIds?: Buf; // (T) u32 explicit positions (RoBERTa's); default positionOffset + t
    out: Buf; // (T, C)
    T: number;
    C: number;
    positionOffset: number;
  }): void;
  layernorm(args: { x: Buf; gamma: Buf; beta: Buf; out: Buf; rows: number; C: number; eps: number }): void;
  matmul(args: MatmulArgs<Buf>): void;
  attention(args: AttentionArgs<Buf>): void;
  add(args: { a: Buf; b: Buf; out: Buf; n: number }): void;

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
}

/** The FFN activation as a matmul epilogue (SiLU has none: SwiGLU applies it in its own kernel). */
export function epilogue(activation: 'gelu_erf' | 'gelu_tanh' | 'relu' | 'silu'): Activation {
  if (activation === 'silu') throw new Error('SiLU is applied by the SwiGLU kernel, not as a matmul epilogue.');
  return activation;
}
