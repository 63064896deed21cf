import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadTokenizer } from '../tokenizers/tokenizer';
import { generatedTokenizerPath } from '../../test/parity/references';
import { LONG_TEXT, WINDOW, tokenizeInWindows, type TokenizeResult } from './tokenizeSlice';

// Long texts are tokenized window by window so the page never receives 300,000 tokens in one message. The windows
// must give exactly the tokens of one call on the whole text: checked here against the tokenizer run on the whole
// text, for every layout the Tokenize tab meets (WordPiece, byte-level BPE with and without a prefix space, a
// SentencePiece-style tokenizer with a Prepend normalizer and no pre-tokenizer, which is never cut).

const TOKENIZERS: [string, string][] = [
  ['bert-base-uncased', generatedTokenizerPath('bert-base-uncased')],
  ['gpt2', generatedTokenizerPath('gpt2')],
  ['roberta (add_prefix_space)', 'test/fixtures/models/tiny-roberta/tokenizer.json'],
  ['gpt-neox', 'test/fixtures/models/tiny-gpt-neox/tokenizer.json'],
  ['llama-style (Prepend, no pre-tokenizer)', 'test/fixtures/models/tiny-llama/tokenizer.json'],
];

/** About 130,000 characters (more than LONG_TEXT, so it is windowed): words, runs of spaces, tabs and newlines, punctuation, accents, CJK and emoji. */
function longText(): string {
  const pieces = ['The whale', 'naïve café', 'déjà-vu!', '東京タワー', '🙂🙂', "it's", 'U.S.A.', '  ', '\n\n', '\t', ' — ', '[MASK]', 'transformers,', '12345', '\u00a0x'];
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  let text = '';
  while (text.length < 6.5 * LONG_TEXT) text += pieces[next() % pieces.length] + (next() % 3 ? ' ' : '');
  return text;
}

describe('tokenizing a long text in windows', () => {
  const text = longText();
  for (const [name, path] of TOKENIZERS) {
    it(`${name}: the windows give the whole text's ids, and the first window's tokens equal the whole text's first tokens`, async () => {
      const tokenizer = loadTokenizer(JSON.parse(readFileSync(path, 'utf8')));
      const calls: number[] = [];
      const tokenize = async (part: string, addSpecialTokens: boolean) => {
        calls.push(part.length);
        return { ...tokenizer.encode(part, { addSpecialTokens }), elapsedMs: 1, vocabularySize: tokenizer.vocabSize, byteLevel: tokenizer.byteLevel, builtFrom: path, modelMaxLength: null };
      };
      const parts: TokenizeResult[] = [];
      await tokenizeInWindows(text, tokenize, (part, done) => parts.push({ ...part, pending: !done }), () => false);
      const whole = tokenizer.encode(text);
      const last = parts.at(-1)!;
      console.log(`${name}: ${text.length} characters, ${whole.ids.length} tokens in ${calls.length} calls (largest ${Math.max(...calls)} characters)`);
      expect(last.pending).toBe(false);
      expect(last.doneChars).toBe(text.length);
      expect(last.ids).toEqual(whole.ids);
      // What the chips and the source text show: the whole text's first tokens, every field.
      const shown = last.encoding!;
      const n = shown.ids.length;
      expect(n).toBeGreaterThan(1000);
      expect(shown).toEqual({ ids: whole.ids.slice(0, n), tokens: whole.tokens.slice(0, n), offsets: whole.offsets.slice(0, n), special: whole.special.slice(0, n), typeIds: whole.typeIds.slice(0, n), wordIds: whole.wordIds.slice(0, n) });
      expect(last.counts).toEqual({
        tokens: whole.ids.length,
        content: whole.special.filter((s) => !s).length,
        unknown: whole.tokens.filter((t) => t === '[UNK]').length,
      });
      if (name.startsWith('llama')) {
        // No word boundaries to cut at: one window, then the rest of the text in one call.
        expect(calls).toEqual([WINDOW, text.length]);
      } else {
        expect(calls.length).toBeGreaterThan(text.length / WINDOW);
        expect(Math.max(...calls)).toBeLessThanOrEqual(WINDOW);
        // Counts grow window by window, and the first window's tokens stay what the chips show (the same object).
        expect(parts.length).toBe(calls.length);
        parts.slice(1).forEach((part, i) => expect(part.counts!.tokens).toBeGreaterThan(parts[i].counts!.tokens));
        expect(parts.every((part) => part.encoding === parts[0].encoding)).toBe(true);
      }
    });
  }

  it('a short text is one call whose tokens are all shown', async () => {
    const tokenizer = loadTokenizer(JSON.parse(readFileSync(generatedTokenizerPath('bert-base-uncased'), 'utf8')));
    const parts: TokenizeResult[] = [];
    const tokenize = async (part: string, addSpecialTokens: boolean) => ({ ...tokenizer.encode(part, { addSpecialTokens }), elapsedMs: 2, vocabularySize: 1, byteLevel: false, builtFrom: '', modelMaxLength: null });
    await tokenizeInWindows('I love learning about transformers.', tokenize, (part, done) => parts.push({ ...part, pending: !done }), () => false);
    expect(parts).toHaveLength(1);
    expect(parts[0].encoding!.ids).toEqual([101, 1045, 2293, 4083, 2055, 19081, 1012, 102]);
    expect(parts[0].encoding!.tokens).toEqual(['[CLS]', 'i', 'love', 'learning', 'about', 'transformers', '.', '[SEP]']);
    expect(parts[0].ids).toEqual(parts[0].encoding!.ids);
    expect(parts[0].counts).toEqual({ tokens: 8, content: 6, unknown: 0 });
    expect(parts[0].ms).toBe(2);
  });

  it('stops when a newer text supersedes it', async () => {
    const tokenizer = loadTokenizer(JSON.parse(readFileSync(generatedTokenizerPath('gpt2'), 'utf8')));
    let calls = 0;
    const tokenize = async (part: string, addSpecialTokens: boolean) => {
      calls++;
      return { ...tokenizer.encode(part, { addSpecialTokens }), elapsedMs: 1, vocabularySize: 1, byteLevel: true, builtFrom: '', modelMaxLength: null };
    };
    const parts: unknown[] = [];
    await tokenizeInWindows(text, tokenize, (part) => parts.push(part), () => calls >= 2);
    expect(calls).toBe(2);
    expect(parts).toHaveLength(1);
  });
});
