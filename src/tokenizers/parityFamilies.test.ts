/// <reference types="node" />
import { Tokenizer as RustTokenizer } from '@anush008/tokenizers';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareWithRust, parityInputs } from '../../test/parity/compare';
import { generatedTokenizerPath, readJson } from '../../test/parity/references';
import { loadTokenizer } from './tokenizer';

// Parity with Hugging Face's Rust tokenizers for the layouts of decoder families beyond GPT-2: SentencePiece-
// converted BPE (Llama 2 / TinyLlama, both Metaspace forms, byte fallback, fuse_unk) and GPT-NeoX / SmolLM2-style
// byte-level BPE. Each case runs the 2,400-string corpus and 500 pairs through both implementations.

const llama = readJson(join(process.cwd(), 'test', 'fixtures', 'tokenizers', 'llama-style', 'tokenizer.json'));
const gpt2 = readJson(generatedTokenizerPath('gpt2'));
const withChanges = (json: Record<string, unknown>, changes: Record<string, unknown>) => ({ ...json, ...changes });
const model = (json: Record<string, unknown>) => json.model as Record<string, unknown>;
const added = (id: number, content: string, flags: Partial<Record<'special' | 'normalized' | 'lstrip' | 'rstrip', boolean>> = {}) => ({
  id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true, ...flags,
});
const metaspace = (extra: Record<string, unknown>) => ({ type: 'Metaspace', replacement: '\u2581', ...extra });
const gpt2Vocab = model(gpt2).vocab as Record<string, number>;

const cases: { label: string; json: Record<string, unknown> }[] = [
  { label: 'llama-style: Prepend + Replace normalizer, byte_fallback, fuse_unk', json: llama },
  {
    label: 'llama-style: Metaspace pre-tokenizer, prepend_scheme "first", split false (legacy: false)',
    json: withChanges(llama, {
      normalizer: null,
      pre_tokenizer: metaspace({ prepend_scheme: 'first', split: false }),
      decoder: metaspace({ prepend_scheme: 'first', split: false }),
    }),
  },
  {
    label: 'llama-style: older Metaspace form (add_prefix_space: true, splits at every ▁)',
    json: withChanges(llama, { normalizer: null, pre_tokenizer: metaspace({ add_prefix_space: true }), decoder: metaspace({ add_prefix_space: true }) }),
  },
  {
    label: 'llama-style without byte_fallback: unknown characters fused into one <unk>',
    json: withChanges(llama, { model: { ...model(llama), byte_fallback: false } }),
  },
  {
    label: 'llama-style with ignore_merges and no fuse_unk (Llama 3 keeps whole-word vocabulary hits)',
    json: withChanges(llama, { model: { ...model(llama), ignore_merges: true, fuse_unk: false, byte_fallback: false } }),
  },
  {
    label: 'GPT-NeoX-style: NFC, no post-processor, <|endoftext|> and <|padding|>, normalized whitespace tokens',
    json: withChanges(gpt2, {
      normalizer: { type: 'NFC' },
      post_processor: null,
      added_tokens: [
        added(gpt2Vocab['<|endoftext|>'], '<|endoftext|>'),
        added(50257, '<|padding|>'),
        added(50258, '  ', { special: false, normalized: true }),
        added(50259, '\t\t', { special: false, normalized: true }),
      ],
    }),
  },
  {
    label: 'SmolLM2-style: Digits (individual) then ByteLevel, ByteLevel post-processor',
    json: withChanges(gpt2, {
      pre_tokenizer: {
        type: 'Sequence',
        pretokenizers: [{ type: 'Digits', individual_digits: true }, { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true }],
      },
      added_tokens: [added(gpt2Vocab['<|endoftext|>'], '<|endoftext|>'), added(50257, '<|im_start|>'), added(50258, '<|im_end|>')],
    }),
  },
];

describe.each(cases)('parity with Hugging Face Rust tokenizers: $label', ({ label, json }) => {
  it('matches on every corpus string and pair', async () => {
    const inputs = parityInputs(true);
    const mismatches = await compareWithRust(loadTokenizer(json), RustTokenizer.fromString(JSON.stringify(json)), inputs);
    console.log(`[parity] ${label}: ${inputs.length} inputs checked, ${mismatches.length} mismatches`);
    for (const mismatch of mismatches.slice(0, 3)) console.log(mismatch);
    expect(mismatches.length).toBe(0);
  });
});

describe('the llama-style fixture exercises what it claims', () => {
  const tokenizer = loadTokenizer(llama);
  it('falls back to bytes, prepends ▁ and merges', () => {
    const encoding = tokenizer.encode('The whale 東');
    expect(encoding.tokens[0]).toBe('<s>');
    expect(encoding.tokens.slice(1, 3)).toEqual(['▁The', '▁whale']);
    expect(encoding.tokens.slice(-4)).toEqual(['▁', '<0xE6>', '<0x9D>', '<0xB1>']);
    // The three byte tokens of 東 all span the whole character, as in Hugging Face.
    expect(encoding.offsets.slice(-3)).toEqual([[10, 11], [10, 11], [10, 11]]);
    expect(tokenizer.decode(encoding.ids, { skipSpecialTokens: true })).toBe('The whale 東');
  });
});
