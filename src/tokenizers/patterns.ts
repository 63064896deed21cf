import { SplitPreTokenizer } from '@huggingface/tokenizers';
import { isObject, TokenizerFileError } from './tokenizerJson';

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A tokenizer.json pattern (`{ "String": … }` or `{ "Regex": … }`) as a global Unicode RegExp. Oniguruma regexes
 * are rewritten to JavaScript by @huggingface/tokenizers; one it cannot rewrite is reported with the field.
 */
export function compilePattern(pattern: unknown, field: string): RegExp {
  if (isObject(pattern) && typeof pattern.String === 'string') {
    if (pattern.String.length === 0) throw new TokenizerFileError(`tokenizer.json: ${field}.String is empty.`);
    return new RegExp(escapeRegExp(pattern.String), 'gu');
  }
  if (isObject(pattern) && typeof pattern.Regex === 'string') {
    let compiled: unknown;
    try {
      compiled = (new SplitPreTokenizer({ type: 'Split', pattern: { Regex: pattern.Regex }, behavior: 'Isolated', invert: false }) as unknown as { pattern: unknown }).pattern;
    } catch {
      throw new TokenizerFileError(`tokenizer.json: ${field}.Regex ${JSON.stringify(pattern.Regex.slice(0, 80))} cannot be translated to a JavaScript regular expression.`);
    }
    if (!(compiled instanceof RegExp)) throw new TokenizerFileError(`tokenizer.json: ${field}.Regex could not be compiled.`);
    return compiled;
  }
  throw new TokenizerFileError(`tokenizer.json: ${field} must be {"String": "…"} or {"Regex": "…"}.`);
}
