import type { Floats } from '../types';

export interface EmbeddingBackwardArgs<F, U> {
  dout: F; // (B, T, C) gradient of the summed embeddings
  ids: U; // (B, T) token ids
  dwte: F; // (V, C) added to
  /** (P, C) added to at rows [0, T), or at the rows positionIds name; absent for a fixed (untrained) table. */
  dwpe?: F;
  positionIds?: U; // (B, T) explicit positions (RoBERTa's after-padding ids); default t
  typeIds?: U; // (B, T) token type ids (BERT)
  dwtt?: F; // (TV, C) added to
  B: number;
  T: number;
  C: number;
}

/** Scatter-add of the rows of dout into the tables they were gathered from, each table row summed in row order. */
export function embeddingBackwardRef(args: EmbeddingBackwardArgs<Floats, Uint32Array>): void {
  const { dout, ids, dwte, dwpe, positionIds, typeIds, dwtt, B, T, C } = args;
  scatterAdd(dout, ids, dwte, B * T, C);
  if (typeIds && dwtt) scatterAdd(dout, typeIds, dwtt, B * T, C);
  if (dwpe && positionIds) {
    scatterAdd(dout, positionIds, dwpe, B * T, C);
  } else if (dwpe) {
    for (let t = 0; t < T; t++) {
      for (let c = 0; c < C; c++) {
        let sum = 0;
        for (let b = 0; b < B; b++) sum += dout[(b * T + t) * C + c];
        dwpe[t * C + c] += sum;
      }
    }
  }
}

function scatterAdd(dout: Floats, ids: Uint32Array, table: Floats, rows: number, C: number): void {
  const sums = new Map<number, Float64Array>();
  for (let r = 0; r < rows; r++) {
    const sum = sums.get(ids[r]) ?? new Float64Array(C);
    for (let c = 0; c < C; c++) sum[c] += dout[r * C + c];
    sums.set(ids[r], sum);
  }
  for (const [id, sum] of sums) for (let c = 0; c < C; c++) table[id * C + c] += sum[c];
}
