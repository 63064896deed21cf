import type { TokenizeOptions } from './protocol';
import type { DecodeOptions, TruncationStrategy } from './tokenizer';
import { isObject, TOKENIZER_LIMITS } from './tokenizerJson';

// Checks of `playground.tokenize` / `playground.decode` arguments: a wrong one is refused with what was wrong
// and what is allowed, before anything reaches the worker.

const describe = (value: unknown) =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value === 'number' ? String(value) : typeof value;

function checkTokenizerName(tokenizer: unknown): string {
  if (typeof tokenizer !== 'string' || tokenizer.trim() === '') {
    throw new Error(`The tokenizer must be a name ('bert-base-uncased', 'gpt2'), a Hub id or a URL, not ${describe(tokenizer)}.`);
  }
  return tokenizer.trim();
}

function checkOptions(options: unknown, allowed: string[], call: string): Record<string, unknown> {
  if (options === undefined) return {};
  if (!isObject(options)) throw new Error(`${call}'s options must be an object, not ${describe(options)}.`);
  const unknown = Object.keys(options).find((key) => !allowed.includes(key));
  if (unknown) throw new Error(`${call} has no option "${unknown}" (options: ${allowed.join(', ')}).`);
  return options;
}

/** `playground.tokenize`'s options, spelled as transformers' call spells them. */
export interface PlaygroundTokenizeOptions {
  pair?: string;
  addSpecialTokens?: boolean;
  maxLength?: number;
  truncation?: boolean | TruncationStrategy | 'do_not_truncate';
  padding?: boolean | 'longest' | 'max_length' | 'do_not_pad';
}

const TRUNCATION: Record<string, TruncationStrategy | undefined> = {
  true: 'longest_first', longest_first: 'longest_first', only_first: 'only_first', only_second: 'only_second', false: undefined, do_not_truncate: undefined,
};
const PADDING: Record<string, TokenizeOptions['padding']> = { true: 'longest', longest: 'longest', max_length: 'max_length', false: undefined, do_not_pad: undefined };

export function tokenizeArguments(text: unknown, tokenizer: unknown, options: unknown): { text: string; tokenizer: string; options: TokenizeOptions } {
  if (typeof text !== 'string') throw new Error(`tokenize needs the text as a string, not ${describe(text)}.`);
  const given = checkOptions(options, ['pair', 'addSpecialTokens', 'maxLength', 'truncation', 'padding'], 'tokenize');
  const parsed: TokenizeOptions = {};
  if (given.pair !== undefined) {
    if (typeof given.pair !== 'string') throw new Error(`tokenize's pair must be a string (the second text), not ${describe(given.pair)}.`);
    parsed.pair = given.pair;
  }
  if (given.addSpecialTokens !== undefined) {
    if (typeof given.addSpecialTokens !== 'boolean') throw new Error(`tokenize's addSpecialTokens must be true or false, not ${describe(given.addSpecialTokens)}.`);
    parsed.addSpecialTokens = given.addSpecialTokens;
  }
  if (given.maxLength !== undefined) {
    const maxLength = given.maxLength;
    if (typeof maxLength !== 'number' || !Number.isInteger(maxLength) || maxLength < 1 || maxLength > TOKENIZER_LIMITS.maxTokenId) {
      throw new Error(`tokenize's maxLength must be a whole number from 1 to ${TOKENIZER_LIMITS.maxTokenId.toLocaleString('en-US')}, not ${describe(maxLength)}.`);
    }
    parsed.maxLength = maxLength;
  }
  if (given.truncation !== undefined) {
    const key = String(given.truncation);
    if (!(typeof given.truncation === 'boolean' || typeof given.truncation === 'string') || !(key in TRUNCATION)) {
      throw new Error(`tokenize's truncation must be true, false, 'longest_first', 'only_first' or 'only_second', not ${describe(given.truncation)}.`);
    }
    if (TRUNCATION[key]) parsed.truncation = TRUNCATION[key];
  }
  if (given.padding !== undefined) {
    const key = String(given.padding);
    if (!(typeof given.padding === 'boolean' || typeof given.padding === 'string') || !(key in PADDING)) {
      throw new Error(`tokenize's padding must be true, false, 'longest' or 'max_length', not ${describe(given.padding)}.`);
    }
    if (PADDING[key]) parsed.padding = PADDING[key];
  }
  return { text, tokenizer: checkTokenizerName(tokenizer), options: parsed };
}

export function decodeArguments(ids: unknown, tokenizer: unknown, options: unknown): { ids: number[]; tokenizer: string; options: DecodeOptions } {
  if (!Array.isArray(ids)) throw new Error(`decode needs an array of token ids, not ${describe(ids)}.`);
  for (let index = 0; index < ids.length; index++) {
    if (!(index in ids)) throw new Error(`decode's ids have a hole at position ${index}: every entry must be a token id.`);
    const id: unknown = ids[index];
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      throw new Error(`Token id ${describe(id)} at position ${index} is not a token id (ids are whole numbers from 0).`);
    }
  }
  const given = checkOptions(options, ['skipSpecialTokens', 'cleanUpTokenizationSpaces'], 'decode');
  const parsed: DecodeOptions = {};
  for (const key of ['skipSpecialTokens', 'cleanUpTokenizationSpaces'] as const) {
    if (given[key] === undefined) continue;
    if (typeof given[key] !== 'boolean') throw new Error(`decode's ${key} must be true or false, not ${describe(given[key])}.`);
    parsed[key] = given[key];
  }
  return { ids: ids as number[], tokenizer: checkTokenizerName(tokenizer), options: parsed };
}
