import type { Floats } from '../types';

export interface LayernormArgs<F> {
  x: F; // (rows, C)
  gamma: F; // (C)
  beta: F; // (C)
  out: F; // (rows, C)
  mean?: F; // (rows) written when given: saved for the backward pass (training)
  rstd?: F; // (rows) 1 / sqrt(var + eps), written when given
  rows: number;
  C: number;
  eps: number;
}

/** out = (x - mean) / sqrt(var + eps) * gamma + beta per row, with the biased variance (as torch). */
export function layernormRef({ x, gamma, beta, out, mean: meanOut, rstd: rstdOut, rows, C, eps }: LayernormArgs<Floats>): void {
  for (let r = 0; r < rows; r++) {
    const row = r * C;
    let sum = 0;
    for (let c = 0; c < C; c++) sum += x[row + c];
    const mean = sum / C;
    let squares = 0;
    for (let c = 0; c < C; c++) squares += (x[row + c] - mean) ** 2;
    const rstd = 1 / Math.sqrt(squares / C + eps);
    for (let c = 0; c < C; c++) out[row + c] = (x[row + c] - mean) * rstd * gamma[c] + beta[c];
    if (meanOut) meanOut[r] = mean;
    if (rstdOut) rstdOut[r] = rstd;
  }
}
