import type { Floats } from '../matmulBackward/matmulBackward.ref';

export interface BlockedMatmulArgs<F> {
  a: F; // (P, R), or (R, P) when aT
  b: F; // (R, Q), or (Q, R) when bT
  out: F; // (P, Q), Q a multiple of 4 on the GPU
  bias?: F; // (Q)
  P: number;
  Q: number;
  R: number;
  aT: boolean;
  bT: boolean;
  /** out += instead of out =. */
  accumulate: boolean;
}

/** out (=|+=) A·B (+ bias), float64 sums. */
export function blockedMatmulRef({ a, b, out, bias, P, Q, R, aT, bT, accumulate }: BlockedMatmulArgs<Floats>): void {
  for (let p = 0; p < P; p++) {
    for (let q = 0; q < Q; q++) {
      let sum = bias ? bias[q] : 0;
      for (let r = 0; r < R; r++) sum += (aT ? a[r * P + p] : a[p * R + r]) * (bT ? b[q * R + r] : b[r * Q + q]);
      out[p * Q + q] = (accumulate ? out[p * Q + q] : 0) + sum;
    }
  }
}
