import type { Tokenizer as RustTokenizer } from '@anush008/tokenizers';
import type { EncodeOptions, TextTokenizer } from '../../src/tokenizers/tokenizer';
import { generateParityCorpus } from './corpus';
import { codePointOffsetsToUtf16 } from './references';

/** What is compared with Hugging Face's Rust tokenizers, field by field. */
interface Comparable {
  ids: number[];
  tokens: string[];
  offsets: [number, number][];
  special: boolean[];
  typeIds: number[];
  wordIds: (number | null)[];
  attentionMask?: number[];
  decoded: string;
  decodedSkippingSpecial: string;
}

export type ParityInput = [string, string?];

export const parityCorpus = generateParityCorpus();

/** The 2,400 corpus strings, plus 500 pairs (corpus[i], corpus[i + 500]) when `pairs`. */
export function parityInputs(pairs: boolean): ParityInput[] {
  const inputs: ParityInput[] = parityCorpus.map((text) => [text]);
  if (pairs) inputs.push(...parityCorpus.slice(0, 500).map((text, index): ParityInput => [text, parityCorpus[index + 500]]));
  return inputs;
}

async function rustEncoding(rust: RustTokenizer, first: string, second: string | undefined, addSpecialTokens: boolean): Promise<Comparable> {
  const encoding = await rust.encode(first, second ?? null, { addSpecialTokens });
  const sequenceIds = encoding.getSequenceIds();
  const ids = encoding.getIds();
  return {
    ids,
    tokens: encoding.getTokens(),
    offsets: encoding.getOffsets().map((offset, index) =>
      codePointOffsetsToUtf16(sequenceIds[index] === 1 ? (second ?? '') : first, [offset])[0]),
    special: encoding.getSpecialTokensMask().map((flag) => flag === 1),
    typeIds: encoding.getTypeIds(),
    wordIds: encoding.getWordIds().map((id) => id ?? null),
    decoded: ids.length === 0 ? '' : await rust.decode(ids, false),
    decodedSkippingSpecial: ids.length === 0 ? '' : await rust.decode(ids, true),
  };
}

function ourEncoding(ours: TextTokenizer, first: string, second: string | undefined, options: EncodeOptions): Comparable {
  const encoding = second === undefined ? ours.encode(first, options) : ours.encodePair(first, second, options);
  const { ids, tokens, offsets, special, typeIds, wordIds, attentionMask } = encoding;
  return {
    ids, tokens, offsets, special, typeIds, wordIds, ...(attentionMask ? { attentionMask } : {}),
    decoded: ours.decode(ids, { cleanUpTokenizationSpaces: false }),
    decodedSkippingSpecial: ours.decode(ids, { skipSpecialTokens: true, cleanUpTokenizationSpaces: false }),
  };
}

/** Every input through both; returns a description of each mismatch (empty when all agree). */
export async function compareWithRust(
  ours: TextTokenizer, rust: RustTokenizer, inputs: ParityInput[],
  options: EncodeOptions & { rustAttentionMask?: boolean; fields?: (keyof Comparable)[] } = {},
): Promise<string[]> {
  const mismatches: string[] = [];
  for (const [first, second] of inputs) {
    const expected = await rustEncoding(rust, first, second, options.addSpecialTokens ?? true);
    if (options.rustAttentionMask) {
      const encoding = await rust.encode(first, second ?? null, { addSpecialTokens: options.addSpecialTokens ?? true });
      expected.attentionMask = encoding.getAttentionMask();
    }
    const actual = ourEncoding(ours, first, second, options);
    const differing = (options.fields ?? (Object.keys(expected) as (keyof Comparable)[])).filter((key) => JSON.stringify(actual[key]) !== JSON.stringify(expected[key]));
    if (differing.length > 0) {
      const show = (value: Comparable) => JSON.stringify(Object.fromEntries(differing.map((key) => [key, value[key]])));
      mismatches.push(`${JSON.stringify([first, second])}\n  ours ${show(actual)}\n  rust ${show(expected)}`);
    }
  }
  return mismatches;
}
