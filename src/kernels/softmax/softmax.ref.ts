export interface SoftmaxArgs<F> {
  x: F; // (rows, cols)
  out: F; // (rows, cols)
  rows: number;
  cols: number;
}

export function softmaxRef({ x, out, rows, cols }: SoftmaxArgs<Float32Array>): void {
  for (let r = 0; r < rows; r++) {
    const row = r * cols;
    let max = -Infinity;
    for (let c = 0; c < cols; c++) max = Math.max(max, x[row + c]);
    let sum = 0;
    for (let c = 0; c < cols; c++) sum += Math.exp(x[row + c] - max);
    for (let c = 0; c < cols; c++) out[row + c] = Math.exp(x[row + c] - max) / sum;
  }
}
