// The next token from one row of logits, on the host, for generation that runs in onnxruntime-web (CPU mode). The
// same choice as the GPU sampler and its reference (src/kernels/sampling/sampling.ref.ts sampleRef, argmaxRef):
// temperature, then top-k (ties at the boundary kept), then the top-p nucleus (ties kept), then the token where the
// running sum of the kept weights, in token-id order, first exceeds uniform · their total. Sums are taken in the
// reference's order, so the pick is the reference's to the bit; the work is O(V) plus a sort of the candidates
// (top-k's few, or all V without top-k) instead of a sort of the whole vocabulary.

export interface HostSampling {
  temperature: number; // 0 = greedy (argmax)
  topK: number; // 0 = no limit
  topP: number; // 1 = no limit
  uniform: number; // in [0, 1)
}

/** The sampled token id of `logits` (V). */
export function sampleHost(logits: ArrayLike<number>, { temperature, topK, topP, uniform }: HostSampling): number {
  const V = logits.length;
  if (V === 0) throw new Error('sampleHost: no logits to sample from.');
  if (temperature === 0) return argmaxHost(logits);
  const scaled = new Float32Array(V); // logits / t in float32, as the reference rounds them
  let max = -Infinity;
  for (let j = 0; j < V; j++) {
    scaled[j] = logits[j] / temperature;
    if (scaled[j] > max) max = scaled[j];
  }
  const kthLargest = topK > 0 && topK < V ? kthLargestValue(scaled, topK) : -Infinity;

  // Candidates: the tokens at or above the top-k boundary, in id order, with their weights exp(v - max).
  const candidates: number[] = [];
  for (let j = 0; j < V; j++) if (scaled[j] >= kthLargest) candidates.push(j);
  const weight = (value: number) => Math.exp(value - max);
  let total = 0;
  for (const j of candidates) total += weight(scaled[j]);

  let threshold = kthLargest;
  if (topP < 1) {
    const descending = Float32Array.from(candidates, (j) => scaled[j]).sort().reverse();
    let mass = 0;
    for (let i = 0; i < descending.length; i++) {
      mass += weight(descending[i]);
      const endOfTies = i + 1 === descending.length || descending[i + 1] !== descending[i];
      if (!endOfTies) continue;
      threshold = descending[i];
      if (mass >= topP * total) break;
    }
  }

  let keptTotal = 0;
  for (const j of candidates) if (scaled[j] >= threshold) keptTotal += weight(scaled[j]);
  const target = uniform * keptTotal;
  let running = 0;
  let last = candidates[0];
  for (const j of candidates) {
    if (scaled[j] < threshold) continue;
    running += weight(scaled[j]);
    last = j;
    if (running > target) return j;
  }
  return last;
}

/** The index of the first maximum. */
export function argmaxHost(logits: ArrayLike<number>): number {
  let best = 0;
  for (let j = 1; j < logits.length; j++) if (logits[j] > logits[best]) best = j;
  return best;
}

/** The k-th largest of `values` (1-based), by quickselect on a copy: O(V) on average. */
function kthLargestValue(values: Float32Array, k: number): number {
  const a = values.slice();
  let lo = 0;
  let hi = a.length - 1;
  const target = k - 1; // index in descending order
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] > pivot) i++;
      while (a[j] < pivot) j--;
      if (i <= j) {
        const swap = a[i];
        a[i] = a[j];
        a[j] = swap;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return a[target];
  }
  return a[target];
}
