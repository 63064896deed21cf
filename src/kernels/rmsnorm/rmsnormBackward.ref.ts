import type { Floats } from '../types';

export interface RmsnormBackwardArgs<F> {
  dout: F; // (rows, C)
  x: F; // (rows, C) the forward input
  rstd: F; // (rows) saved by the training forward
  weight: F; // (C)
  dx: F; // (rows, C) written, or added to when `accumulate`
  dweight: F; // (C) added to
  rows: number;
  C: number;
  /** dx += instead of dx =: the input's gradient also flows through a residual. */
  accumulate: boolean;
}

/** With x̂ = x·rstd and g = dout·weight: dx = rstd·(g - x̂·mean(g·x̂)) per row, dweight += Σ_rows dout·x̂. */
export function rmsnormBackwardRef(args: RmsnormBackwardArgs<Floats>): void {
  const { dout, x, rstd, weight, dx, dweight, rows, C, accumulate } = args;
  for (let r = 0; r < rows; r++) {
    const row = r * C;
    let gxMean = 0;
    for (let c = 0; c < C; c++) {
      const xHat = x[row + c] * rstd[r];
      gxMean += (dout[row + c] * weight[c] * xHat) / C;
      dweight[c] += dout[row + c] * xHat;
    }
    for (let c = 0; c < C; c++) {
      const xHat = x[row + c] * rstd[r];
      dx[row + c] = (accumulate ? dx[row + c] : 0) + rstd[r] * (dout[row + c] * weight[c] - xHat * gxMean);
    }
  }
}
