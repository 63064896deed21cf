// Softmax and top-k on the host, the project's one copy: fill-mask, classification, the fine-tuning metrics and the
// head-only trainer (in float64) use these.

/** Numerically stable softmax of one row, into `out` (a new Float32Array unless given, e.g. a Float64Array). */
export function softmaxRow<Out extends Float32Array | Float64Array = Float32Array>(logits: ArrayLike<number>, out?: Out): Out {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  out ??= new Float32Array(logits.length) as Out;
  let sum = 0;
  for (let i = 0; i < logits.length; i++) {
    out[i] = Math.exp(logits[i] - max);
    sum += out[i];
  }
  for (let i = 0; i < out.length; i++) out[i] /= sum;
  return out;
}

/** softmax over each row of (rows, K) logits. */
export function softmaxRows(logits: Float32Array, K: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let b = 0; b < logits.length / K; b++) out.set(softmaxRow(logits.subarray(b * K, (b + 1) * K)), b * K);
  return out;
}

/** The k largest entries of a row, largest first. */
export function topK(values: ArrayLike<number>, k: number): { index: number; value: number }[] {
  const best: { index: number; value: number }[] = [];
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (best.length === k && value <= best[k - 1].value) continue;
    let at = best.length;
    while (at > 0 && best[at - 1].value < value) at--;
    best.splice(at, 0, { index: i, value });
    if (best.length > k) best.pop();
  }
  return best;
}
