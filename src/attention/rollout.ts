// Attention rollout (Abnar & Zuidema, 2020): each layer's head-averaged attention with the residual added,
// Â = 0.5·A + 0.5·I with rows renormalised, multiplied across layers: R_l = Â_l · R_(l-1), R_0 = Â_0.

import { meanOverHeads } from './heads';

/** Â = 0.5·A + 0.5·I, each row divided by its sum. (T, T) -> (T, T), in float64. */
export function withResidual(attention: ArrayLike<number>, T: number): Float64Array {
  const out = new Float64Array(T * T);
  for (let i = 0; i < T; i++) {
    let sum = 0;
    for (let j = 0; j < T; j++) {
      const value = 0.5 * attention[i * T + j] + (i === j ? 0.5 : 0);
      out[i * T + j] = value;
      sum += value;
    }
    for (let j = 0; j < T; j++) out[i * T + j] /= sum;
  }
  return out;
}

/** a · b for (T, T) matrices. */
function multiply(a: Float64Array, b: Float64Array, T: number): Float64Array {
  const out = new Float64Array(T * T);
  for (let i = 0; i < T; i++) {
    for (let k = 0; k < T; k++) {
      const aik = a[i * T + k];
      if (aik === 0) continue;
      for (let j = 0; j < T; j++) out[i * T + j] += aik * b[k * T + j];
    }
  }
  return out;
}

/** Rollout through layers 0..upTo of head-averaged attention (L) x (T, T) -> (T, T). */
export function rollout(headAveraged: ArrayLike<number>[], T: number, upTo = headAveraged.length - 1): Float32Array {
  let result = withResidual(headAveraged[0], T);
  for (let l = 1; l <= upTo; l++) result = multiply(withResidual(headAveraged[l], T), result, T);
  return Float32Array.from(result);
}

/** Rollout of every layer's heads (L) x (H, T, T), head-averaged first, through layers 0..upTo. */
export function rolloutOfLayers(layers: Float32Array[], H: number, T: number, upTo: number): Float32Array {
  return rollout(layers.slice(0, upTo + 1).map((layer) => meanOverHeads(layer, H, T)), T);
}
