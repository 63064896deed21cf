export interface CopyRowsArgs<F> {
  src: F; // element (r, c) of the block at src[(srcRow + r)·srcStride + srcCol + c]
  dst: F; // element (r, c) of the block at dst[(dstRow + r)·dstStride + dstCol + c]
  rows: number;
  cols: number;
  srcStride: number;
  dstStride: number;
  srcRow?: number; // default 0
  srcCol?: number; // default 0
  dstRow?: number; // default 0
  dstCol?: number; // default 0
}

/** Copies a (rows, cols) block between two row-major matrices (a KV cache's new k|v rows out of q|k|v rows). */
export function copyRowsRef({ src, dst, rows, cols, srcStride, dstStride, srcRow = 0, srcCol = 0, dstRow = 0, dstCol = 0 }: CopyRowsArgs<Float32Array>): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) dst[(dstRow + r) * dstStride + dstCol + c] = src[(srcRow + r) * srcStride + srcCol + c];
  }
}
