import type { Floats } from '../types';

export interface LayernormBackwardArgs<F> {
  dout: F; // (rows, C)
  x: F; // (rows, C) the forward input
  mean: F; // (rows)
  rstd: F; // (rows)
  gamma: F; // (C)
  dx: F; // (rows, C) written, or added to when `accumulate`
  dgamma: F; // (C) added to
  dbeta: F; // (C) added to
  rows: number;
  C: number;
  /** dx += instead of dx =: the input's gradient also flows through a residual. */
  accumulate: boolean;
}

/**
 * With x̂ = (x - mean)·rstd and g = dout·gamma: dx = rstd·(g - mean(g) - x̂·mean(g·x̂)) per row,
 * dgamma += Σ_rows dout·x̂, dbeta += Σ_rows dout.
 */
export function layernormBackwardRef(args: LayernormBackwardArgs<Floats>): void {
  const { dout, x, mean, rstd, gamma, dx, dgamma, dbeta, rows, C, accumulate } = args;
  for (let r = 0; r < rows; r++) {
    const row = r * C;
    let gMean = 0;
    let gxMean = 0;
    for (let c = 0; c < C; c++) {
      const xHat = (x[row + c] - mean[r]) * rstd[r];
      const g = dout[row + c] * gamma[c];
      gMean += g / C;
      gxMean += (g * xHat) / C;
      dgamma[c] += dout[row + c] * xHat;
      dbeta[c] += dout[row + c];
    }
    for (let c = 0; c < C; c++) {
      const xHat = (x[row + c] - mean[r]) * rstd[r];
      const g = dout[row + c] * gamma[c];
      dx[row + c] = (accumulate ? dx[row + c] : 0) + rstd[r] * (g - gMean - xHat * gxMean);
    }
  }
}
