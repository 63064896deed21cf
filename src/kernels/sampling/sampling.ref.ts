export interface ArgmaxArgs<F, U> {
  logits: F; // (rows, V)
  V: number;
  rows?: number; // default 1
  out: U; // (rows) index of the first maximum per row
}

export interface SampleArgs<F> {
  logits: F; // (rows, V)
  V: number;
  row?: number; // which row to sample; default 0
  /** > 0; logits are divided by it (use argmax for greedy decoding). */
  temperature: number;
  /** Keep the topK largest (ties at the boundary included); 0 or >= V keeps all. */
  topK: number;
  /** Keep the smallest set of largest tokens whose probability reaches topP (ties included); >= 1 keeps all. */
  topP: number;
  /** A uniform random number in [0, 1) from the caller. */
  uniform: number;
}

export interface TopKArgs<F, U> {
  logits: F; // (rows, V)
  V: number;
  row?: number; // default 0
  k: number; // at most 64
  probs: F; // (k) softmax probabilities of the k most likely tokens, descending
  ids: U; // (k) their token ids
}

export function argmaxRef({ logits, V, rows = 1, out }: ArgmaxArgs<Float32Array, Uint32Array>): void {
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let j = 1; j < V; j++) if (logits[r * V + j] > logits[r * V + best]) best = j;
    out[r] = best;
  }
}

/**
 * Temperature, then top-k, then top-p (nucleus) filtering; then the token where the running sum of
 * the kept weights, in token-id order, first exceeds uniform · (their total).
 */
export function sampleRef({ logits, V, row = 0, temperature, topK, topP, uniform }: SampleArgs<Float32Array>): number {
  const scaled = Array.from({ length: V }, (_, j) => Math.fround(logits[row * V + j] / temperature));
  const descending = [...scaled].sort((a, b) => b - a);
  const kthLargest = topK > 0 && topK < V ? descending[topK - 1] : -Infinity;
  const max = descending[0];
  const weight = (value: number) => (value >= kthLargest ? Math.exp(value - max) : 0);
  const total = scaled.reduce((sum, value) => sum + weight(value), 0);

  let nucleusThreshold = kthLargest;
  if (topP < 1) {
    let mass = 0;
    for (let i = 0; i < V && descending[i] >= kthLargest; i++) {
      mass += weight(descending[i]);
      const endOfTies = i + 1 === V || descending[i + 1] !== descending[i];
      if (!endOfTies) continue;
      nucleusThreshold = descending[i];
      if (mass >= topP * total) break;
    }
  }

  const kept = scaled.map((value) => (value >= nucleusThreshold ? weight(value) : 0));
  const target = uniform * kept.reduce((sum, value) => sum + value, 0);
  let running = 0;
  let last = 0;
  for (let j = 0; j < V; j++) {
    if (kept[j] === 0) continue;
    running += kept[j];
    last = j;
    if (running > target) return j;
  }
  return last;
}

/** The k most probable tokens of softmax(logits[row]), by probability descending then id ascending. */
export function topKRef({ logits, V, row = 0, k, probs, ids }: TopKArgs<Float32Array, Uint32Array>): void {
  const values = logits.subarray(row * V, row * V + V);
  const max = values.reduce((best, value) => Math.max(best, value), -Infinity);
  const sum = values.reduce((total, value) => total + Math.exp(value - max), 0);
  const order = Array.from({ length: V }, (_, j) => j).sort((a, b) => values[b] - values[a] || a - b);
  for (let i = 0; i < k; i++) {
    ids[i] = order[i];
    probs[i] = Math.exp(values[order[i]] - max) / sum;
  }
}
