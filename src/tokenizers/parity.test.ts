import { Tokenizer as RustTokenizer } from '@anush008/tokenizers';
import { BertTokenizer, GPT2Tokenizer } from '@xenova/transformers';
import { describe, expect, it } from 'vitest';
import { compareWithRust, parityCorpus as corpus, parityInputs } from '../../test/parity/compare';
import { generatedTokenizerPath, readJson, sharedReferencePath } from '../../test/parity/references';
import { loadTokenizer } from './tokenizer';

// Parity with Hugging Face's Rust tokenizers (native binding): ids, tokens, offsets, special mask, type ids, word
// ids, decode.

interface ParityCase {
  label: string;
  json: Record<string, unknown> | null;
  pairs: boolean;
}

const bertJson = readJson(generatedTokenizerPath('bert-base-uncased'));
const gpt2Json = readJson(generatedTokenizerPath('gpt2'));
const sharedBert = sharedReferencePath('bert-tiniest');
const sharedGpt2 = sharedReferencePath('fake-gpt2');
const withChanges = (json: Record<string, unknown>, changes: Record<string, unknown>) => ({ ...json, ...changes });

const cases: ParityCase[] = [
  { label: 'generated bert-base-uncased', json: bertJson, pairs: true },
  { label: 'generated gpt2', json: gpt2Json, pairs: false },
  { label: 'HF bert-base-uncased (../shared bert-tiniest)', json: sharedBert ? readJson(sharedBert) : null, pairs: true },
  { label: 'HF gpt2 (../shared fake-gpt2)', json: sharedGpt2 ? readJson(sharedGpt2) : null, pairs: false },
  // Variants exercising stages the two built-ins leave idle.
  {
    label: 'gpt2 with trim_offsets',
    json: withChanges(gpt2Json, { post_processor: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true } }),
    pairs: false,
  },
  {
    label: 'bert with NFD + Lowercase, BertProcessing, lstrip/rstrip [MASK]',
    json: withChanges(bertJson, {
      normalizer: { type: 'Sequence', normalizers: [{ type: 'NFD' }, { type: 'Lowercase' }] },
      post_processor: { type: 'BertProcessing', sep: ['[SEP]', 102], cls: ['[CLS]', 101] },
      added_tokens: (bertJson.added_tokens as { content: string }[]).map((token) =>
        token.content === '[MASK]' ? { ...token, lstrip: true, rstrip: true } : token),
    }),
    pairs: true,
  },
];

describe.each(cases)('parity with Hugging Face Rust tokenizers: $label', ({ label, json, pairs }) => {
  it.skipIf(json === null)('matches on every corpus string', async () => {
    const inputs = parityInputs(pairs);
    const mismatches = await compareWithRust(loadTokenizer(json), RustTokenizer.fromString(JSON.stringify(json)), inputs);
    console.log(`[parity] ${label}: ${inputs.length} inputs checked (${corpus.length} strings${pairs ? ' + 500 pairs' : ''}), ${mismatches.length} mismatches`);
    for (const mismatch of mismatches.slice(0, 3)) console.log(mismatch);
    expect(mismatches.length).toBe(0);
  });
});

if (!sharedBert || !sharedGpt2) {
  console.log('[parity] ../shared/data/hf-reference is absent: parity with Hugging Face\'s own tokenizer.json files skipped.');
}

// transformers.js (test-only oracle): the same ids, except where it departs from Hugging Face's Rust tokenizers.
describe('parity with @xenova/transformers 2.17.2 ids', () => {
  it.each([
    { name: 'bert-base-uncased', json: bertJson, create: (json: object) => new BertTokenizer(json, { do_lower_case: true }) },
    { name: 'gpt2', json: gpt2Json, create: (json: object) => new GPT2Tokenizer(json, {}) },
  ])('$name', async ({ name, json, create }) => {
    const xenova = create(json);
    const ours = loadTokenizer(json);
    const reference = RustTokenizer.fromString(JSON.stringify(json));
    let mismatches = 0;
    let xenovaDepartsFromRust = 0;
    for (const text of corpus) {
      const xenovaIds = Array.from(xenova.encode(text), Number);
      const ourIds = ours.encode(text).ids;
      if (JSON.stringify(xenovaIds) === JSON.stringify(ourIds)) continue;
      const rustIds = (await reference.encode(text)).getIds();
      if (JSON.stringify(xenovaIds) === JSON.stringify(rustIds)) mismatches++;
      else xenovaDepartsFromRust++;
    }
    console.log(`[parity] xenova ${name}: ${corpus.length} strings checked, ${mismatches} mismatches` +
      ` (${xenovaDepartsFromRust} strings where transformers.js itself differs from the Rust tokenizers)`);
    expect(mismatches).toBe(0);
  });
});
