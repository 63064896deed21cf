// Per-head statistics of a (T, T) attention matrix, each a mean over the query rows.

import { headMatrix } from './heads';

export interface HeadStats {
  layer: number;
  head: number;
  /** Mean over rows of −Σ p·ln p, in nats: 0 when every row looks at one token, ln T when uniform. */
  entropy: number;
  /** Mean over rows of Σ_j p_ij·|i − j|, in tokens. */
  distance: number;
  /** Mean share of a row's attention on special tokens. */
  specialShare: number;
  /** Mean share of a row's attention on the first token. */
  firstShare: number;
}

export type HeadStatKey = 'entropy' | 'distance' | 'specialShare' | 'firstShare';

/** Statistics of one (T, T) matrix. */
export function matrixStats(matrix: ArrayLike<number>, T: number, special: readonly boolean[]): Omit<HeadStats, 'layer' | 'head'> {
  let entropy = 0;
  let distance = 0;
  let specialShare = 0;
  let firstShare = 0;
  for (let i = 0; i < T; i++) {
    for (let j = 0; j < T; j++) {
      const p = matrix[i * T + j];
      if (p > 0) entropy -= p * Math.log(p);
      distance += p * Math.abs(i - j);
      if (special[j]) specialShare += p;
    }
    firstShare += matrix[i * T];
  }
  return { entropy: entropy / T, distance: distance / T, specialShare: specialShare / T, firstShare: firstShare / T };
}

/** Statistics of every head of every layer (L) x (H, T, T), in layer then head order. */
export function allHeadStats(layers: Float32Array[], H: number, T: number, special: readonly boolean[]): HeadStats[] {
  return layers.flatMap((layer, l) =>
    Array.from({ length: H }, (_, h) => ({ layer: l, head: h, ...matrixStats(headMatrix(layer, T, h), T, special) })),
  );
}

/** A copy sorted by one statistic; ties keep layer/head order. */
export function sortHeads(stats: readonly HeadStats[], key: HeadStatKey, direction: 'ascending' | 'descending'): HeadStats[] {
  const sign = direction === 'ascending' ? 1 : -1;
  return [...stats].sort((a, b) => sign * (a[key] - b[key]) || a.layer - b.layer || a.head - b.head);
}
