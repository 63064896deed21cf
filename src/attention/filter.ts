// Which rows and columns a view shows, and the matrix restricted to them.

import type { PairFilter, ShownMatrix } from './types';

export interface TokenFilter {
  /** Hide special tokens and renormalise each row over the keys that remain. */
  hideSpecial: boolean;
  /** Token indices picked by the person: when any, only these rows and columns are shown. */
  selected: number[];
  pair: PairFilter;
}

export const NO_FILTER: TokenFilter = { hideSpecial: false, selected: [], pair: 'all' };

/** The token indices shown as rows and as columns, in order. */
export function shownTokens(
  filter: TokenFilter,
  special: readonly boolean[],
  typeIds?: readonly number[],
): { rows: number[]; cols: number[] } {
  const picked = new Set(filter.selected);
  const base = special
    .map((_, index) => index)
    .filter((index) => !(filter.hideSpecial && special[index]) && (picked.size === 0 || picked.has(index)));
  if (filter.pair === 'all' || !typeIds) return { rows: base, cols: base };
  const [from, to] = filter.pair === 'a-to-b' ? [0, 1] : [1, 0];
  return { rows: base.filter((i) => typeIds[i] === from), cols: base.filter((i) => typeIds[i] === to) };
}

/**
 * The (T, T) matrix restricted to `rows` x `cols`. With `renormaliseOver`, each row is divided by its sum over
 * those key indices (hiding special tokens: the remaining keys share the whole row); otherwise weights keep their
 * share of the full row.
 */
export function restrict(
  matrix: ArrayLike<number>,
  T: number,
  rows: readonly number[],
  cols: readonly number[],
  causal: boolean,
  renormaliseOver?: readonly number[],
): ShownMatrix {
  const K = cols.length;
  const values = new Float32Array(rows.length * K);
  const masked = new Uint8Array(rows.length * K);
  // Plain loops: at 512 tokens this runs for 262,144 cells on every switch of head.
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r];
    let scale = 1;
    if (renormaliseOver) {
      let sum = 0;
      for (const j of renormaliseOver) sum += matrix[row * T + j];
      scale = sum > 0 ? 1 / sum : 0;
    }
    for (let c = 0; c < K; c++) {
      const col = cols[c];
      values[r * K + c] = matrix[row * T + col] * scale;
      masked[r * K + c] = causal && col > row ? 1 : 0;
    }
  }
  return { rows: [...rows], cols: [...cols], values, masked };
}

/** Token indices that are not special: the keys a row is renormalised over when special tokens are hidden. */
export function nonSpecial(special: readonly boolean[]): number[] {
  return special.map((_, index) => index).filter((index) => !special[index]);
}
