export interface LayernormArgs<F> {
  x: F; // (rows, C)
  gamma: F; // (C)
  beta: F; // (C)
  out: F; // (rows, C)
  rows: number;
  C: number;
  eps: number;
}

/** out = (x - mean) / sqrt(var + eps) * gamma + beta per row, with the biased variance (as torch). */
export function layernormRef({ x, gamma, beta, out, rows, C, eps }: LayernormArgs<Float32Array>): void {
  for (let r = 0; r < rows; r++) {
    const row = r * C;
    let sum = 0;
    for (let c = 0; c < C; c++) sum += x[row + c];
    const mean = sum / C;
    let squares = 0;
    for (let c = 0; c < C; c++) squares += (x[row + c] - mean) ** 2;
    const rstd = 1 / Math.sqrt(squares / C + eps);
    for (let c = 0; c < C; c++) out[row + c] = (x[row + c] - mean) * rstd * gamma[c] + beta[c];
  }
}
