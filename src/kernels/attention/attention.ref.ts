export interface AttentionArgs<F, U> {
  /** Query rows: element (b, i, h, d) at q[(b·Tq + i)·qStride + qCol + h·D + d]. */
  q: F;
  /**
   * Key rows: element (b, j, g, d) of kv head g at k[(b·kvRowsPerBatch + j)·kvStride + kCol + g·D + d]; query head h
   * reads kv head g = floor(h / (H / Hkv)).
   */
  k: F;
  /**
   * Value rows: like k with vCol. k, v and q may be the same packed tensor: (T, 3C) q|k|v, or with grouped-query
   * attention (T, (H + 2·Hkv)·D) (qStride = kvStride = (H + 2·Hkv)·D, kCol H·D, vCol (H + Hkv)·D); or k and v a KV
   * cache of the kv heads only, (P, 2·Hkv·D) k|v rows (kvStride 2·Hkv·D, vCol Hkv·D), beside q (T, H·D).
   */
  v: F;
  out: F; // (B, Tq, H·D)
  /** Softmax probabilities (B, H, Tq, Tk), written only when given. */
  probs?: F;
  B: number;
  Tq: number;
  Tk: number;
  H: number;
  /** Key and value heads (grouped-query attention), a divisor of H; default H (one per query head). */
  Hkv?: number;
  D: number;
  /** Query i sits at absolute position qOffset + i and sees keys 0..qOffset + i. */
  causal: boolean;
  qOffset?: number; // default 0 (Tk - Tq when decoding with a KV cache)
  keyMask?: U; // (B, Tk): 1 attend, 0 padding
  qStride?: number; // default H·D
  kvStride?: number; // default Hkv·D
  qCol?: number; // default 0
  kCol?: number; // default 0
  vCol?: number; // default 0
  kvRowsPerBatch?: number; // rows per batch entry in k and v (a KV cache's capacity); default Tk
}

/** Query heads per kv head, H / Hkv; throws unless Hkv divides H. */
export function kvGroup(H: number, Hkv: number): number {
  if (!(Number.isInteger(Hkv) && Hkv >= 1 && H % Hkv === 0)) throw new Error(`attention: Hkv=${Hkv} kv heads must divide H=${H} query heads`);
  return H / Hkv;
}

/**
 * softmax(q·kᵀ / √D + mask) · v for every batch entry, head and query. A query that sees no key
 * (all padding) gets zero output and zero probabilities.
 */
export function attentionRef(args: AttentionArgs<Float32Array, Uint32Array>): void {
  const { q, k, v, out, probs, B, Tq, Tk, H, D, causal, keyMask } = args;
  const { Hkv = H, qOffset = 0, qStride = H * D, kvStride = Hkv * D, qCol = 0, kCol = 0, vCol = 0, kvRowsPerBatch = Tk } = args;
  const group = kvGroup(H, Hkv);
  const scale = 1 / Math.sqrt(D);
  const scores = new Float64Array(Tk);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const kvHead = Math.floor(h / group);
      for (let i = 0; i < Tq; i++) {
        const qBase = (b * Tq + i) * qStride + qCol + h * D;
        let max = -Infinity;
        for (let j = 0; j < Tk; j++) {
          const visible = (!causal || j <= qOffset + i) && (!keyMask || keyMask[b * Tk + j] !== 0);
          if (!visible) {
            scores[j] = -Infinity;
            continue;
          }
          const kBase = (b * kvRowsPerBatch + j) * kvStride + kCol + kvHead * D;
          let dot = 0;
          for (let d = 0; d < D; d++) dot += q[qBase + d] * k[kBase + d];
          scores[j] = dot * scale;
          max = Math.max(max, scores[j]);
        }
        let sum = 0;
        for (let j = 0; j < Tk; j++) {
          scores[j] = max === -Infinity ? 0 : Math.exp(scores[j] - max);
          sum += scores[j];
        }
        for (let j = 0; j < Tk; j++) scores[j] = sum > 0 ? scores[j] / sum : 0;
        if (probs) for (let j = 0; j < Tk; j++) probs[((b * H + h) * Tq + i) * Tk + j] = scores[j];
        const outBase = (b * Tq + i) * H * D + h * D;
        for (let d = 0; d < D; d++) {
          let value = 0;
          for (let j = 0; j < Tk; j++) value += scores[j] * v[(b * kvRowsPerBatch + j) * kvStride + vCol + kvHead * D + d];
          out[outBase + d] = value;
        }
      }
    }
  }
}
