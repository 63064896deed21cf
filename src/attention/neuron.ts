// The attention formula for one head and one query token, with every intermediate value: the query vector q,
// each key k_j, q·k_j, the scaled score q·k_j / √D, the softmax, and Σ_j p_j·v_j.
// Legend: H query heads, Hkv key/value heads (Hkv < H with grouped-query attention), D head size, T tokens.

export interface NeuronTrace {
  D: number;
  /** The key/value head the query head reads (grouped-query attention: several query heads share one). */
  kvHead: number;
  query: Float32Array; // (D)
  keys: Float32Array; // (T, D)
  values: Float32Array; // (T, D)
  dots: Float64Array; // (T) q·k_j; NaN where masked
  scaled: Float64Array; // (T) q·k_j / √D; NaN where masked
  weights: Float64Array; // (T) softmax over the visible keys; 0 where masked
  output: Float64Array; // (D) Σ_j p_j·v_j
  /** Keys the query may see: all of them, or 0..query for a causal model. */
  visible: number;
}

export interface NeuronArgs {
  qkv: Float32Array; // (T, (H + 2·Hkv)·D): q | k | v per row
  T: number;
  H: number;
  /** Key/value heads; H when every query head has its own. */
  Hkv: number;
  head: number;
  token: number; // the query row
  causal: boolean;
}

/** The kv head that query head `head` reads: g = ⌊h / (H / Hkv)⌋ (consecutive query heads share one). */
export function kvHeadOf(head: number, H: number, Hkv: number): number {
  return Math.floor(head / (H / Hkv));
}

/** The head size of (T, (H + 2·Hkv)·D) rows. */
function headSizeOf(qkv: Float32Array, T: number, H: number, Hkv: number): number {
  return qkv.length / (T * (H + 2 * Hkv));
}

export function neuronTrace({ qkv, T, H, Hkv, head, token, causal }: NeuronArgs): NeuronTrace {
  const D = headSizeOf(qkv, T, H, Hkv);
  if (!Number.isInteger(D) || D < 1) throw new Error(`q|k|v rows of ${qkv.length / T} values do not split into ${H} query and 2 × ${Hkv} key/value heads.`);
  const width = (H + 2 * Hkv) * D;
  const kvHead = kvHeadOf(head, H, Hkv);
  const slice = (row: number, column: number) => qkv.slice(row * width + column, row * width + column + D);
  const query = slice(token, head * D); // q of head h at h·D
  const keys = new Float32Array(T * D);
  const values = new Float32Array(T * D);
  for (let j = 0; j < T; j++) {
    keys.set(slice(j, (H + kvHead) * D), j * D); // k of kv head g at (H + g)·D
    values.set(slice(j, (H + Hkv + kvHead) * D), j * D); // v at (H + Hkv + g)·D
  }
  const visible = causal ? token + 1 : T;
  const dots = new Float64Array(T).fill(NaN);
  const scaled = new Float64Array(T).fill(NaN);
  const weights = new Float64Array(T);
  let max = -Infinity;
  for (let j = 0; j < visible; j++) {
    let dot = 0;
    for (let d = 0; d < D; d++) dot += query[d] * keys[j * D + d];
    dots[j] = dot;
    scaled[j] = dot / Math.sqrt(D);
    max = Math.max(max, scaled[j]);
  }
  let sum = 0;
  for (let j = 0; j < visible; j++) sum += (weights[j] = Math.exp(scaled[j] - max));
  for (let j = 0; j < visible; j++) weights[j] /= sum;
  const output = new Float64Array(D);
  for (let j = 0; j < visible; j++) for (let d = 0; d < D; d++) output[d] += weights[j] * values[j * D + d];
  return { D, kvHead, query, keys, values, dots, scaled, weights, output, visible };
}

/**
 * The query the neuron view opens on: the last token that is not special. In a causal model it sees every key, and
 * in an encoder it is a word of the text rather than [CLS] (query 0 of a decoder sees one key, with weight 1).
 */
export function defaultQuery(special: readonly boolean[]): number {
  for (let i = special.length - 1; i >= 0; i--) if (!special[i]) return i;
  return Math.max(0, special.length - 1);
}
