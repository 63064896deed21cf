export interface EmbeddingArgs<F, U> {
  ids: U; // (B, T) token ids
  wte: F; // (V, C) token embeddings (f16 allowed on the GPU)
  wpe: F; // (maxPositions, C) position embeddings
  typeIds?: U; // (B, T) token type ids (BERT segment)
  wtt?: F; // (types, C) token type embeddings
  positionIds?: U; // (B, T) explicit positions (RoBERTa's after-padding ids); default positionOffset + t
  out: F; // (B, T, C)
  B?: number; // default 1
  T: number;
  C: number;
  /** Position of the first token (the KV-cache length when decoding). Default 0. */
  positionOffset?: number;
}

/** out[b, t] = wte[ids[b, t]] + wpe[positionIds[b, t] ?? positionOffset + t] (+ wtt[typeIds[b, t]]). */
export function embeddingRef(args: EmbeddingArgs<Float32Array, Uint32Array>): void {
  const { ids, wte, wpe, typeIds, wtt, positionIds, out, B = 1, T, C, positionOffset = 0 } = args;
  for (let row = 0; row < B * T; row++) {
    const position = positionIds ? positionIds[row] : positionOffset + (row % T);
    for (let c = 0; c < C; c++) {
      let value = wte[ids[row] * C + c] + wpe[position * C + c];
      if (typeIds && wtt) value += wtt[typeIds[row] * C + c];
      out[row * C + c] = value;
    }
  }
}
