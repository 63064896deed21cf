import { describe, expect, it } from 'vitest';
import { generatedTokenizerPath, readJson } from '../../test/parity/references';
import { decodeArguments, tokenizeArguments } from './arguments';
import { createRequestHandler } from './requestHandler';
import { loadTokenizer } from './tokenizer';

const gpt2Json = readJson(generatedTokenizerPath('gpt2'));
const model = gpt2Json.model as Record<string, unknown>;
const withModel = (changes: Record<string, unknown>) => ({ ...gpt2Json, model: { ...model, ...changes } });
const internal = /Cannot read propert|is not iterable|Invalid regular expression|is not a function|undefined|Cannot convert|Maximum call stack/;

describe('tokenizer files that used to freeze or crash', () => {
  it('refuses an id of 10^9 at once, naming the field, before anything loops to it', () => {
    const started = performance.now();
    expect(() => loadTokenizer(withModel({ vocab: { ...(model.vocab as object), coming: 1_000_000_000 } })))
      .toThrow('tokenizer.json: model.vocab["coming"] is 1000000000; token ids must be whole numbers from 0 to 2,097,151.');
    const elapsed = performance.now() - started;
    console.log(`[robustness] 10^9 id refused in ${elapsed.toFixed(0)} ms`);
    expect(elapsed).toBeLessThan(2000);
  });

  it('the worker keeps answering after a bad file', async () => {
    const handle = createRequestHandler(async () => ({ status: 404, text: null, problem: 'HTTP 404' }));
    const bad = await handle({ id: 1, kind: 'tokenize', text: 'hello', tokenizer: { key: 'bad', json: withModel({ vocab: { ...(model.vocab as object), coming: 1e9 } }) } });
    expect(bad.ok).toBe(false);
    const good = await handle({ id: 2, kind: 'tokenize', text: 'hello', tokenizer: { key: 'gpt2', json: gpt2Json } });
    expect(good.ok && good.kind === 'tokenize' && good.encoding.ids).toEqual([31373]);
  });

  const malformed: [string, unknown][] = [
    ['no model', { ...gpt2Json, model: undefined }],
    ['vocab is an array', withModel({ vocab: ['a', 'b'] })],
    ['merges missing', withModel({ merges: undefined })],
    ['a merge that is a number', withModel({ merges: [42] })],
    ['a merge of unknown tokens', withModel({ merges: ['zzz qqq'] })],
    ['a negative id', withModel({ vocab: { a: -1 } })],
    ['added_tokens not an array', { ...gpt2Json, added_tokens: { id: 1 } }],
    ['an added token without content', { ...gpt2Json, added_tokens: [{ id: 1 }] }],
    ['an added token id as text', { ...gpt2Json, added_tokens: [{ id: '7', content: 'x' }] }],
    ['a normalizer without type', { ...gpt2Json, normalizer: { lowercase: true } }],
    ['a Sequence without members', { ...gpt2Json, normalizer: { type: 'Sequence' } }],
    ['a Split regex JavaScript cannot read', { ...gpt2Json, pre_tokenizer: { type: 'Split', pattern: { Regex: '(?<=a' }, behavior: 'Isolated' } }],
    ['a Replace without pattern', { ...gpt2Json, normalizer: { type: 'Replace', content: 'x' } }],
    ['a template naming a missing special token', { ...gpt2Json, post_processor: { type: 'TemplateProcessing', single: [{ SpecialToken: { id: '[X]', type_id: 0 } }], pair: [], special_tokens: {} } }],
    ['a BertProcessing without sep', { ...gpt2Json, post_processor: { type: 'BertProcessing', cls: ['[CLS]', 1] } }],
    ['a WordPiece whose unk_token is not in the vocabulary', { ...gpt2Json, pre_tokenizer: null, model: { type: 'WordPiece', unk_token: '[UNK]', vocab: { a: 0 } } }],
    ['an unknown model type', { ...gpt2Json, model: { type: 'Unigram', vocab: [['a', 0]] } }],
    ['more merges than allowed', withModel({ merges: { length: 3_000_000 } })],
  ];

  it.each(malformed)('%s: a plain Error naming the file and field, no internal error text', async (_, json) => {
    const handle = createRequestHandler();
    const reply = await handle({ id: 1, kind: 'tokenize', text: 'hello', tokenizer: { key: 'x', json } });
    expect(reply.ok).toBe(false);
    const message = reply.ok ? '' : reply.error;
    expect(message).toMatch(/tokenizer\.json|Not a tokenizer\.json/);
    expect(message).not.toMatch(internal);
  });
});

describe('playground.tokenize / decode argument checks', () => {
  it('refuses wrong arguments with what is allowed', () => {
    expect(() => tokenizeArguments(42, 'gpt2', undefined)).toThrow('tokenize needs the text as a string, not 42.');
    expect(() => tokenizeArguments('x', '', undefined)).toThrow(/The tokenizer must be a name/);
    expect(() => tokenizeArguments('x', 'gpt2', { maxLen: 3 })).toThrow('tokenize has no option "maxLen" (options: pair, addSpecialTokens, maxLength, truncation, padding).');
    expect(() => tokenizeArguments('x', 'gpt2', { maxLength: 0 })).toThrow(/maxLength must be a whole number from 1/);
    expect(() => tokenizeArguments('x', 'gpt2', { truncation: 'yes' })).toThrow(/truncation must be true, false/);
    expect(tokenizeArguments('x', 'gpt2', { truncation: true, padding: 'max_length', maxLength: 8 }).options)
      .toEqual({ truncation: 'longest_first', padding: 'max_length', maxLength: 8 });
    expect(() => decodeArguments([1, , 3], 'gpt2', undefined)).toThrow('decode\'s ids have a hole at position 1: every entry must be a token id.');
    expect(() => decodeArguments([1, '2'], 'gpt2', undefined)).toThrow(/Token id "2" at position 1/);
    expect(() => decodeArguments([1.5], 'gpt2', undefined)).toThrow(/Token id 1\.5 at position 0/);
    expect(() => decodeArguments('1,2', 'gpt2', undefined)).toThrow(/decode needs an array/);
    expect(() => decodeArguments([1], 'gpt2', { skipSpecial: true })).toThrow(/decode has no option "skipSpecial"/);
  });
});
