import { describe, expect, it } from 'vitest';
import { attentionFromJson, attentionFromJsonText, attentionJsonParts } from './serialize';
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

describe('an opened attention JSON is checked field by field', () => {
  const valid = () =>
    JSON.parse(
      attentionJsonParts({ tokens: ['a', 'b'], ids: [5, 6], special: [true, false], causal: false, layers: 1, heads: 1, T: 2, attentions: [Float32Array.of(1, 0, 0.25, 0.75)] }, 'm').join(''),
    ) as Record<string, unknown>;
  const refused = (patch: Record<string, unknown>) => () => attentionFromJson({ ...valid(), ...patch }, 'export.json');

  it('names the file and the field that is wrong, and what is allowed', () => {
    expect(attentionFromJson(valid()).attentions[0][3]).toBe(0.75);
    expect(refused({ tokens: ['a', 7] })).toThrow('export.json: "tokens" must hold strings: item 1 is 7.');
    expect(refused({ tokens: ['a'] })).toThrow('export.json: "tokens" must be an array of 2 strings (one per token), not an array of 1.');
    expect(refused({ ids: [5, -1] })).toThrow(/"ids" must hold token ids \(whole numbers from 0\): item 1 is -1/);
    expect(refused({ special: [true, 'no'] })).toThrow(/"special" must hold true or false: item 1 is a string/);
    expect(refused({ typeIds: [0, 1.5] })).toThrow(/"typeIds"/);
    expect(refused({ causal: 'yes' })).toThrow(/"causal" must be true or false/);
    expect(refused({ byteLevel: 1 })).toThrow(/"byteLevel" must be true or false, not 1/);
    expect(attentionFromJson({ ...valid(), byteLevel: true }).byteLevel).toBe(true);
    expect(refused({ model: { name: 'x' } })).toThrow(/"model" must be the model's name/);
    expect(refused({ shape: [1, 1, 2, 3] })).toThrow(/"shape" must end in tokens × tokens/);
    expect(refused({ shape: [1, 1e9, 2, 2] })).toThrow(/"shape" has 1000000000 heads; at most 1024/);
    expect(refused({ shape: ['1', 1, 2, 2] })).toThrow(/"shape" must be \[layers, heads, tokens, tokens\]/);
    expect(refused({ attentions: [[[[1, 0], [0.5]]]] })).toThrow('export.json: "attentions[0][0][1]" must be an array of 2 weights, not an array of 1.');
    expect(refused({ attentions: [[[[1, 0], [0.5, 'x']]]] })).toThrow(/"attentions\[0\]\[0\]\[1\]\[1\]" must be a weight from 0 to 1, not a string/);
    expect(refused({ attentions: [[[[1, 0], [0.5, 2]]]] })).toThrow(/must be a weight from 0 to 1, not 2/);
    expect(refused({ attentions: [[null]] })).toThrow(/"attentions\[0\]\[0\]" must be an array of 2 query rows, not null/);
    expect(() => attentionFromJson([1, 2])).toThrow(/expected a JSON object made by Export JSON, not an array of 2/);
  });

  it('reads JSON text with a sentence for text that is not JSON', () => {
    expect(() => attentionFromJsonText('{"format": ', 'a.json')).toThrow(/^a\.json is not JSON \(.+\): open a file made by Export JSON\.$/);
    expect(attentionFromJsonText(JSON.stringify(valid())).tokens).toEqual(['a', 'b']);
  });
});
