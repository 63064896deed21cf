import { describe, expect, it } from 'vitest';
import { appendGeneratedRow } from './growth';
import type { AttentionSet } from './types';

describe('generation growth', () => {
  it('appends the new token as the last row and pads earlier rows with a masked zero', () => {
    // One layer, two heads, T = 1 -> 2.
    const set: AttentionSet = { tokens: ['a'], special: [false], causal: true, layers: 1, heads: 2, T: 1, attentions: [Float32Array.from([1, 1])] };
    const grown = appendGeneratedRow(set, [Float32Array.from([0.25, 0.75, 0.6, 0.4])], 'b');
    expect(grown.T).toBe(2);
    expect(grown.tokens).toEqual(['a', 'b']);
    expect([...grown.attentions[0]]).toEqual([1, 0, 0.25, 0.75, 1, 0, Math.fround(0.6), Math.fround(0.4)]);
  });
});
