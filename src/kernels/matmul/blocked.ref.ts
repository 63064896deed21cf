import { applyActivation, type Activation } from './matmul.ref';
import type { Floats } from '../types';


export interface BlockedMatmulArgs<F> {
  a: F; // (aOffset + P·R): (P, R), or (R, P) when aT
  b: F; // (bOffset + R·Q): (R, Q), or (Q, R) when bT
  out: F; // (outOffset + P·outStride)
  bias?: F; // (biasOffset + Q)
  P: number;
  Q: number;
  R: number;
  aT: boolean;
  bT: boolean;
  /** out += instead of out =. */
  accumulate: boolean;
  activation?: Activation; // applied after the bias, before accumulating; default 'none'
  aOffset?: number; // elements of a to skip; default 0
  bOffset?: number; // elements of b to skip (rows of a taller weight table); default 0
  outOffset?: number; // elements of out to skip; default 0
  outStride?: number; // elements between rows of out; default Q
  biasOffset?: number; // elements of bias to skip; default 0
}

/** out (=|+=) act(A·B + bias), float64 sums. */
export function blockedMatmulRef(args: BlockedMatmulArgs<Floats>): void {
  const { a, b, out, bias, P, Q, R, aT, bT, accumulate, activation = 'none' } = args;
  const { aOffset = 0, bOffset = 0, outOffset = 0, outStride = Q, biasOffset = 0 } = args;
  for (let p = 0; p < P; p++) {
    for (let q = 0; q < Q; q++) {
      let sum = bias ? bias[biasOffset + q] : 0;
      for (let r = 0; r < R; r++) sum += a[aOffset + (aT ? r * P + p : p * R + r)] * b[bOffset + (bT ? q * R + r : r * Q + q)];
      const o = outOffset + p * outStride + q;
      out[o] = (accumulate ? out[o] : 0) + applyActivation(sum, activation);
    }
  }
}
