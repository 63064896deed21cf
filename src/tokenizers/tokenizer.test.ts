/// <reference types="node" />
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedTokenizerPath, readJson, sharedReferencePath } from '../../test/parity/references';
import { loadTokenizer } from './tokenizer';
import { UnsupportedTokenizerError } from './tokenizerJson';

const bert = loadTokenizer(readJson(generatedTokenizerPath('bert-base-uncased')));
const gpt2 = loadTokenizer(readJson(generatedTokenizerPath('gpt2')));

describe('built-in tokenizers', () => {
  it('encodes the seed example as bert-base-uncased does', () => {
    // Ids from the issue (Hugging Face's bert-base-uncased).
    const encoding = bert.encode('I love learning about transformers.');
    expect(encoding.ids).toEqual([101, 1045, 2293, 4083, 2055, 19081, 1012, 102]);
    expect(encoding.special).toEqual([true, false, false, false, false, false, false, true]);
    expect(encoding.offsets[0]).toEqual([0, 0]);
    expect(encoding.offsets[5]).toEqual([22, 34]); // "transformers"
  });

  it('gives UTF-16 offsets that slice the input, across astral characters', () => {
    const text = '😀 Héllo';
    const encoding = bert.encode(text);
    expect(encoding.tokens).toEqual(['[CLS]', '[UNK]', 'hello', '[SEP]']);
    expect(encoding.offsets.slice(1, 3).map(([start, end]) => text.slice(start, end))).toEqual(['😀', 'Héllo']);
  });

  it('adds no special tokens for GPT-2 and decodes back to the text', () => {
    const text = 'Hello world <|endoftext|> 👍🏽';
    const encoding = gpt2.encode(text);
    expect(encoding.special.every((flag) => !flag)).toBe(true);
    expect(encoding.tokens).toContain('<|endoftext|>');
    expect(gpt2.decode(encoding.ids)).toBe(text);
  });

  it('encodes BERT sentence pairs with type ids', () => {
    const pair = bert.encodePair('a b', 'c');
    expect(pair.tokens).toEqual(['[CLS]', 'a', 'b', '[SEP]', 'c', '[SEP]']);
    expect(pair.typeIds).toEqual([0, 0, 0, 0, 1, 1]);
    expect(bert.decode(pair.ids, { skipSpecialTokens: true })).toBe('a b c');
  });

  it('refuses a tokenizer whose offsets it cannot align', () => {
    // SentencePiece's precompiled character map is a binary trie of replacements this project does not align.
    const precompiled = { ...readJson(generatedTokenizerPath('bert-base-uncased')), normalizer: { type: 'Precompiled', precompiled_charsmap: '' } };
    expect(() => loadTokenizer(precompiled)).toThrow(UnsupportedTokenizerError);
  });
});

describe('scripts/build-tokenizers.mjs', () => {
  it('is idempotent: a second run changes nothing', () => {
    const output = execFileSync(process.execPath, ['scripts/build-tokenizers.mjs'], { encoding: 'utf8' });
    expect(output).toContain('bert-base-uncased: up to date');
    expect(output).toContain('gpt2: up to date');
  });

  const references = [
    ['bert-base-uncased', sharedReferencePath('bert-tiniest')],
    ['gpt2', sharedReferencePath('fake-gpt2')],
  ] as const;
  for (const [name, referencePath] of references) {
    it.skipIf(referencePath === null)(`writes ${name} tokenizer.json identical to Hugging Face's`, () => {
      const generated = readFileSync(generatedTokenizerPath(name), 'utf8');
      const reference = readFileSync(referencePath as string, 'utf8');
      expect(JSON.parse(generated)).toEqual(JSON.parse(reference));
      console.log(`[build-tokenizers] ${name}: ${generated === reference ? 'byte-identical to' : 'same JSON as'} Hugging Face's file`);
    });
    if (referencePath === null) console.log(`[build-tokenizers] ../shared reference for ${name} absent: comparison skipped`);
  }
});
