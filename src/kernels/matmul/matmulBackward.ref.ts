import type { Floats } from '../types';
import type { WeightLayout } from './matmul.ref';


export interface MatmulBackwardArgs<F> {
  dout: F; // (M, N) gradient of out = x·W + bias
  x: F; // (M, K) the forward input
  w: F; // (K, N) for 'kn', (N, K) for 'nk'
  dx: F; // (M, K) written, or added to when `accumulate`
  dw: F; // same shape as w, added to
  dbias?: F; // (N), added to
  M: number;
  N: number;
  K: number;
  wLayout: WeightLayout;
  /** dx += instead of dx =: the input's gradient also flows through another path (a residual). */
  accumulate: boolean;
}

/** dx (=|+=) dout·Wᵀ, dW += xᵀ·dout (in W's layout), dbias += Σ_m dout; float64 sums. */
export function matmulBackwardRef(args: MatmulBackwardArgs<Floats>): void {
  const { dout, x, w, dx, dw, dbias, M, N, K, wLayout, accumulate } = args;
  const wIndex = wLayout === 'kn' ? (k: number, n: number) => k * N + n : (k: number, n: number) => n * K + k;
  for (let m = 0; m < M; m++) {
    for (let k = 0; k < K; k++) {
      let sum = 0;
      for (let n = 0; n < N; n++) sum += dout[m * N + n] * w[wIndex(k, n)];
      dx[m * K + k] = (accumulate ? dx[m * K + k] : 0) + sum;
    }
  }
  for (let k = 0; k < K; k++) {
    for (let n = 0; n < N; n++) {
      let sum = 0;
      for (let m = 0; m < M; m++) sum += x[m * K + k] * dout[m * N + n];
      dw[wIndex(k, n)] += sum;
    }
  }
  if (dbias) {
    for (let n = 0; n < N; n++) {
      let sum = 0;
      for (let m = 0; m < M; m++) sum += dout[m * N + n];
      dbias[n] += sum;
    }
  }
}
