// One head's (T, T) matrix out of a layer's (H, T, T) block, and reductions over heads.

/** Head h of a layer: a view (no copy) of its (T, T) block. */
export function headMatrix(layer: Float32Array, T: number, head: number): Float32Array {
  return layer.subarray(head * T * T, (head + 1) * T * T);
}

/** Mean over heads of a layer (H, T, T) -> (T, T). */
export function meanOverHeads(layer: Float32Array, H: number, T: number): Float32Array {
  const out = new Float32Array(T * T);
  for (let h = 0; h < H; h++) {
    const block = headMatrix(layer, T, h);
    for (let i = 0; i < out.length; i++) out[i] += block[i];
  }
  for (let i = 0; i < out.length; i++) out[i] /= H;
  return out;
}

/** Max over heads of a layer (H, T, T) -> (T, T). Rows no longer sum to 1. */
export function maxOverHeads(layer: Float32Array, H: number, T: number): Float32Array {
  const out = new Float32Array(headMatrix(layer, T, 0));
  for (let h = 1; h < H; h++) {
    const block = headMatrix(layer, T, h);
    for (let i = 0; i < out.length; i++) out[i] = Math.max(out[i], block[i]);
  }
  return out;
}
