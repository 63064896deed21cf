import { describe, expect, it } from 'vitest';
import { attentionFromJson, attentionJsonParts } from './serialize';
import { colorIndex, colorOf, colormapTable } from './colormaps';
import { labelStep, truncateLabel } from './labels';
import type { AttentionSet } from './types';

describe('attention JSON', () => {
  it('round-trips every float32 exactly', () => {
    const T = 3;
    const attentions = [0, 1].map((l) => Float32Array.from({ length: 2 * T * T }, (_, i) => Math.fround(Math.sin(i + l) ** 2 / 3)));
    const set: AttentionSet = { tokens: ['a', '"b"', 'ü'], special: [true, false, false], typeIds: [0, 0, 1], causal: true, layers: 2, heads: 2, T, attentions };
    const json = JSON.parse(attentionJsonParts(set, 'tiny').join(''));
    expect(json.shape).toEqual([2, 2, 3, 3]);
    expect(json.attentions[1][0][2][1]).toBe(Number(attentions[1][2 * T + 1].toPrecision(9)));
    const back = attentionFromJson(json);
    expect(back.tokens).toEqual(set.tokens);
    expect(back.typeIds).toEqual(set.typeIds);
    back.attentions.forEach((layer, l) => expect([...layer]).toEqual([...attentions[l]]));
  });

  it('refuses other JSON with a plain sentence', () => {
    expect(() => attentionFromJson({ hello: 1 })).toThrow(/Not an attention export/);
  });
});

describe('colour maps and labels', () => {
  it('start and end at the published colours', () => {
    expect(colorOf('viridis', 0, 1)).toEqual([0x44, 0x01, 0x54]);
    expect(colorOf('viridis', 1, 1)).toEqual([0xfd, 0xe7, 0x25]);
    expect(colorOf('magma', 2, 1)).toEqual([0xfc, 0xfd, 0xbf]);
    expect(colormapTable('cividis').length).toBe(768);
    expect(colorIndex(0.5, 0)).toBe(0);
  });

  it('truncate long tokens and thin out labels on small cells', () => {
    expect(truncateLabel('transformers', 6)).toBe('trans…');
    expect(truncateLabel('cat', 6)).toBe('cat');
    expect(labelStep(20, 12)).toBe(1);
    expect(labelStep(1.5, 12)).toBe(8);
  });
});
