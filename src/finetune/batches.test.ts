import { describe, expect, it } from 'vitest';
import { loadTokenizer } from '../tokenizers/tokenizer';
import { causalLmBatch, classificationBatch, encodeExample, textBlocks, tokensIn } from './batches';
import { fixtureModel } from './testing/fixtures';

const tokenizer = loadTokenizer(fixtureModel('tiny-bert').tokenizer);

describe('classification batches', () => {
  it('pads to the longest row with an attention mask, type ids for pairs', () => {
    const a = encodeExample(tokenizer, { text: 'the food was good', label: 1 }, 32);
    const b = encodeExample(tokenizer, { text: 'bad', pair: 'good', label: 0 }, 32);
    const batch = classificationBatch([a, b], 0, 5);
    expect(batch.B).toBe(2);
    expect(batch.T).toBe(a.ids.length);
    expect(Array.from(batch.ids.subarray(0, batch.T))).toEqual(a.ids);
    expect(Array.from(batch.ids.subarray(batch.T + b.ids.length, 2 * batch.T))).toEqual(new Array(batch.T - b.ids.length).fill(0));
    expect(Array.from(batch.attentionMask.subarray(batch.T))).toEqual([...b.ids.map(() => 1), ...new Array(batch.T - b.ids.length).fill(0)]);
    expect(Array.from(batch.typeIds.subarray(batch.T, batch.T + b.ids.length))).toEqual(b.typeIds);
    expect(b.typeIds.at(-1)).toBe(1);
    expect(Array.from(batch.labels)).toEqual([1, 0]);
    expect(batch.seed).toBe(5);
    expect(tokensIn(batch)).toBe(a.ids.length + b.ids.length);
  });

  it('truncates to maxLength and keeps the closing [SEP]', () => {
    const full = encodeExample(tokenizer, { text: 'the food was good and the place was the best' }, 64);
    const cut = encodeExample(tokenizer, { text: 'the food was good and the place was the best' }, 5);
    expect(cut.ids).toHaveLength(5);
    expect(cut.ids.slice(0, 4)).toEqual(full.ids.slice(0, 4));
    expect(cut.ids[4]).toBe(full.ids.at(-1));
  });
});

describe('causal LM batches', () => {
  it('cuts text into full blocks and shifts nothing (the targets are the next ids)', () => {
    const ids = Array.from({ length: 23 }, (_, i) => i + 1);
    expect(textBlocks(ids, 10)).toEqual([ids.slice(0, 10), ids.slice(10, 20)]);
    expect(textBlocks([1, 2, 3], 10)).toEqual([[1, 2, 3]]);
    expect(() => textBlocks([1], 10)).toThrow(/too short/);
    const batch = causalLmBatch([[1, 2, 3], [4, 5]], 0, 1);
    expect(Array.from(batch.ids)).toEqual([1, 2, 3, 4, 5, 0]);
    expect(Array.from(batch.attentionMask)).toEqual([1, 1, 1, 1, 1, 0]);
    expect(tokensIn(batch)).toBe(3); // 2 + 1 predicted tokens
  });
});
