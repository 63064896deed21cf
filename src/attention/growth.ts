// Generation grows the attention one query row at a time: the new token's row over every earlier key.

import type { AttentionSet } from './types';

/**
 * The set with one more token: `rows` is each layer's (H, 1, T + 1) attention of the new token. Earlier rows get a
 * zero in the new (masked) column.
 */
export function appendGeneratedRow(set: AttentionSet, rows: Float32Array[], token: string): AttentionSet {
  const { T, heads: H } = set;
  const next = T + 1;
  const attentions = set.attentions.map((layer, l) => {
    const grown = new Float32Array(H * next * next);
    for (let h = 0; h < H; h++) {
      for (let i = 0; i < T; i++) grown.set(layer.subarray((h * T + i) * T, (h * T + i + 1) * T), (h * next + i) * next);
      grown.set(rows[l].subarray(h * next, (h + 1) * next), (h * next + T) * next);
    }
    return grown;
  });
  return {
    ...set,
    T: next,
    tokens: [...set.tokens, token],
    special: [...set.special, false],
    ids: undefined,
    qkv: undefined,
    attentions,
  };
}
