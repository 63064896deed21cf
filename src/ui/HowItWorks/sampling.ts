// Which tokens temperature, top-k and top-p keep, for the picture of how the next token is chosen. The rule is the
// samplers' (src/kernels/sampling sampleRef, src/onnx/hostSampler sampleHost, which draws here): logits / τ in
// float32, then the k largest (ties at the boundary kept), then the fewest largest whose weight reaches p of what
// top-k kept (ties kept).

export interface RankedToken {
  id: number;
  probability: number; // softmax(logits / τ) over the whole vocabulary
  kept: boolean;
}

export interface KeptTokens {
  /** Every token, most probable first. */
  ranked: RankedToken[];
  count: number;
  /** Probability (at τ) of the kept tokens together: each is drawn with probability / mass. */
  mass: number;
}

export function keptTokens(logits: ArrayLike<number>, { temperature, topK, topP }: { temperature: number; topK: number; topP: number }): KeptTokens {
  const V = logits.length;
  const scaled = Float32Array.from({ length: V }, (_, j) => logits[j] / temperature);
  const order = Array.from({ length: V }, (_, j) => j).sort((a, b) => scaled[b] - scaled[a] || a - b);
  const max = scaled[order[0]];
  const weights = Float64Array.from(scaled, (value) => Math.exp(value - max));
  let all = 0;
  for (const weight of weights) all += weight;
  const kth = topK > 0 && topK < V ? scaled[order[topK - 1]] : -Infinity;
  let candidates = 0;
  for (const j of order) if (scaled[j] >= kth) candidates += weights[j];
  let threshold = kth;
  if (topP < 1) {
    let mass = 0;
    for (let i = 0; i < V && scaled[order[i]] >= kth; i++) {
      mass += weights[order[i]];
      const endOfTies = i + 1 === V || scaled[order[i + 1]] !== scaled[order[i]];
      if (!endOfTies) continue;
      threshold = scaled[order[i]];
      if (mass >= topP * candidates) break;
    }
  }
  let count = 0;
  let mass = 0;
  const ranked = order.map((id) => {
    const kept = scaled[id] >= threshold;
    const probability = weights[id] / all;
    if (kept) {
      count++;
      mass += probability;
    }
    return { id, probability, kept };
  });
  return { ranked, count, mass };
}
