import type { Floats } from '../types';

export interface RmsnormArgs<F> {
  x: F; // (rows, C)
  weight: F; // (C)
  out: F; // (rows, C)
  rstd?: F; // (rows) 1 / sqrt(mean(x²) + eps), written when given: saved for the backward pass (training)
  rows: number;
  C: number;
  eps: number;
}

/** out = x / sqrt(mean(x²) + eps) · weight per row (Llama's RMSNorm: no mean subtracted, no bias). */
export function rmsnormRef({ x, weight, out, rstd: rstdOut, rows, C, eps }: RmsnormArgs<Floats>): void {
  for (let r = 0; r < rows; r++) {
    const row = r * C;
    let squares = 0;
    for (let c = 0; c < C; c++) squares += x[row + c] ** 2;
    const rstd = 1 / Math.sqrt(squares / C + eps);
    for (let c = 0; c < C; c++) out[row + c] = x[row + c] * rstd * weight[c];
    if (rstdOut) rstdOut[r] = rstd;
  }
}
