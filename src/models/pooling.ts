/** The mean of the hidden states of real tokens (attention mask 1), (C). hidden is (T, C). */
export function meanPooled(hidden: Float32Array, C: number, attentionMask?: readonly number[]): Float32Array {
  const T = hidden.length / C;
  const mean = new Float32Array(C);
  let count = 0;
  for (let t = 0; t < T; t++) {
    if (attentionMask && !attentionMask[t]) continue;
    count++;
    for (let c = 0; c < C; c++) mean[c] += hidden[t * C + c];
  }
  return mean.map((value) => value / Math.max(count, 1));
}
