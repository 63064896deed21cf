import { Tokenizer as RustTokenizer, type TruncationStrategy } from '@anush008/tokenizers';
import { describe, expect, it } from 'vitest';
import { compareWithRust, parityInputs } from '../../test/parity/compare';
import { generatedTokenizerPath, readJson } from '../../test/parity/references';
import { loadTokenizer, type TruncationStrategy as OurStrategy } from './tokenizer';

// Truncation and padding against the Rust library's own (setTruncation / setPadding), on corpus strings and pairs.
const bertJson = readJson(generatedTokenizerPath('bert-base-uncased'));
const strategies: [OurStrategy, TruncationStrategy][] = [
  // The binding's const enum values, spelled out (isolatedModules cannot read ambient const enums).
  ['longest_first', 'LongestFirst' as TruncationStrategy], ['only_first', 'OnlyFirst' as TruncationStrategy], ['only_second', 'OnlySecond' as TruncationStrategy],
];

describe('truncation and padding equal the Rust tokenizers', () => {
  it.each(strategies)('bert-base-uncased, max 12, %s, padded to 12', async (ours, rustStrategy) => {
    const rust = RustTokenizer.fromString(JSON.stringify(bertJson));
    rust.setTruncation(12, { strategy: rustStrategy });
    rust.setPadding({ maxLength: 12, padId: 0, padToken: '[PAD]' });
    // only_* strategies fail (in Rust too) unless the chosen text alone can absorb the cut: keep pairs where it is
    // long and the other short.
    const plain = loadTokenizer(bertJson);
    const length = (text: string) => plain.encode(text, { addSpecialTokens: false }).ids.length;
    const inputs = parityInputs(true).filter(([first, second]) => ours === 'longest_first' || (second !== undefined &&
      length(ours === 'only_first' ? first : second) > 12 && length(ours === 'only_first' ? second : first) <= 4));
    const mismatches = await compareWithRust(loadTokenizer(bertJson), rust, inputs, {
      truncation: { maxLength: 12, strategy: ours }, padding: { length: 12 }, rustAttentionMask: true,
      fields: ['ids', 'tokens', 'offsets', 'special', 'typeIds', 'wordIds', 'attentionMask'],
    });
    console.log(`[truncation] bert ${ours}: ${inputs.length} inputs checked, ${mismatches.length} mismatches`);
    for (const mismatch of mismatches.slice(0, 2)) console.log(mismatch);
    expect(inputs.length).toBeGreaterThan(50);
    expect(mismatches.length).toBe(0);
  });

  it('refuses what cannot be done, in words', () => {
    const bert = loadTokenizer(bertJson);
    expect(() => bert.encode('hello', { truncation: { maxLength: 1 } })).toThrow('maxLength 1 leaves no room: this tokenizer adds 2 special tokens.');
    const gpt2 = loadTokenizer(readJson(generatedTokenizerPath('gpt2')));
    expect(() => gpt2.encode('hello', { padding: { length: 4 } })).toThrow(/no padding token/);
  });
});
