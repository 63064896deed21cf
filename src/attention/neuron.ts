// The attention formula for one head and one query token, with every intermediate value: the query vector q,
// each key k_j, q·k_j, the scaled score q·k_j / √D, the softmax, and Σ_j p_j·v_j.

export interface NeuronTrace {
  D: number;
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
  qkv: Float32Array; // (T, 3C): q | k | v per row
  T: number;
  C: number;
  H: number;
  head: number;
  token: number; // the query row
  causal: boolean;
}

/** Slices head `head` of one third (0 q, 1 k, 2 v) of row `row` of a (T, 3C) buffer. */
function headSlice(qkv: Float32Array, C: number, D: number, row: number, third: number, head: number): Float32Array {
  const start = row * 3 * C + third * C + head * D;
  return qkv.slice(start, start + D);
}

export function neuronTrace({ qkv, T, C, H, head, token, causal }: NeuronArgs): NeuronTrace {
  const D = C / H;
  const query = headSlice(qkv, C, D, token, 0, head);
  const keys = new Float32Array(T * D);
  const values = new Float32Array(T * D);
  for (let j = 0; j < T; j++) {
    keys.set(headSlice(qkv, C, D, j, 1, head), j * D);
    values.set(headSlice(qkv, C, D, j, 2, head), j * D);
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
  return { D, query, keys, values, dots, scaled, weights, output, visible };
}
