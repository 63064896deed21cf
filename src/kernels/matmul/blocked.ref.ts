import { applyActivation, type Activation } from './matmul.ref';
import type { Floats } from '../types';


export interface BlockedMatmulArgs<F> {
  a: F; // (aOffset + P·R): (P, R), or (R, P) when aT
  b: F; // (R, Q), or (Q, R) when bT
  out: F; // (outOffset + P·Q), Q a multiple of 4 on the GPU
  bias?: F; // (Q)
  P: number;
  Q: number;
  R: number;
  aT: boolean;
  bT: boolean;
  /** out += instead of out =. */
  accumulate: boolean;
  activation?: Activation; // applied after the bias, before accumulating; default 'none'
  aOffset?: number; // elements of a to skip; default 0
  outOffset?: number; // elements of out to skip (a multiple of 4 on the GPU); default 0
}

/** out (=|+=) act(A·B + bias), float64 sums. */
export function blockedMatmulRef(args: BlockedMatmulArgs<Floats>): void {
  const { a, b, out, bias, P, Q, R, aT, bT, accumulate, activation = 'none', aOffset = 0, outOffset = 0 } = args;
  for (let p = 0; p < P; p++) {
    for (let q = 0; q < Q; q++) {
      let sum = bias ? bias[q] : 0;
      for (let r = 0; r < R; r++) sum += a[aOffset + (aT ? r * P + p : p * R + r)] * (bT ? b[q * R + r] : b[r * Q + q]);
      const o = outOffset + p * Q + q;
      out[o] = (accumulate ? out[o] : 0) + applyActivation(sum, activation);
    }
  }
}
