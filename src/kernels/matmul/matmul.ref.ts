import { geluErf, geluTanh } from '../gelu/gelu.ref';

export type WeightLayout = 'kn' | 'nk';
export type Activation = 'none' | 'gelu_erf' | 'gelu_tanh' | 'tanh' | 'relu';

export interface MatmulArgs<F> {
  x: F; // (xRowOffset + M, K)
  /** (K, N) for 'kn' (GPT-2 Conv1D); (N, K) for 'nk' (torch Linear, tied LM head), both after skipping wRowOffset rows. */
  w: F;
  bias?: F; // (biasOffset + N)
  out: F; // (M, outStride)
  M: number;
  N: number;
  K: number;
  wLayout: WeightLayout;
  activation?: Activation; // applied after the bias; default 'none'
  /** out += act(x·w + bias) instead of out = (a residual connection fused into the product); default false. */
  accumulate?: boolean;
  outStride?: number; // elements between output rows; default N
  outOffset?: number; // first output column; default 0
  wRowOffset?: number; // rows of w to skip (vocabulary chunk of a 'nk' table); default 0
  biasOffset?: number; // bias elements to skip; default 0
  xRowOffset?: number; // rows of x to skip (e.g. only the last position); default 0
}

/** out[m, outOffset + n] (+)= act(Σ_k x[m, k] · w[k, n] + bias[n]), accumulated in float64. */
export function matmulRef(args: MatmulArgs<Float32Array>): void {
  const { x, w, bias, out, M, N, K, wLayout, activation = 'none', accumulate = false } = args;
  const { outStride = N, outOffset = 0, wRowOffset = 0, biasOffset = 0, xRowOffset = 0 } = args;
  const wBase = wRowOffset * (wLayout === 'kn' ? N : K);
  for (let m = 0; m < M; m++) {
    const xRow = (xRowOffset + m) * K;
    for (let n = 0; n < N; n++) {
      let sum = bias ? bias[biasOffset + n] : 0;
      for (let k = 0; k < K; k++) {
        const weight = wLayout === 'kn' ? w[wBase + k * N + n] : w[wBase + n * K + k];
        sum += x[xRow + k] * weight;
      }
      const o = m * outStride + outOffset + n;
      out[o] = (accumulate ? out[o] : 0) + applyActivation(sum, activation);
    }
  }
}

export function applyActivation(value: number, activation: Activation): number {
  if (activation === 'gelu_erf') return geluErf(value);
  if (activation === 'gelu_tanh') return geluTanh(value);
  if (activation === 'tanh') return Math.tanh(value);
  if (activation === 'relu') return Math.max(value, 0);
  return value;
}
