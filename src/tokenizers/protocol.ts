import type { Encoding } from './tokenizer';

/**
 * Which tokenizer a request means: a URL of a tokenizer.json (the client turns built-in names into URLs), or a
 * tokenizer.json object with a key under which the worker keeps it for later requests.
 */
export type TokenizerSource = { url: string } | { key: string; json: unknown };

/** How one kind of tokenizer (word, character) cuts a text. */
export interface KindSummary {
  vocabularySize: number;
  sequenceLength: number;
  unknownCount: number;
  /** The first tokens, to show. */
  sample: string[];
}

export type TokenizerRequest =
  | { id: number; kind: 'tokenize'; text: string; tokenizer: TokenizerSource }
  | { id: number; kind: 'kinds'; text: string; tokenizer: TokenizerSource }
  | { id: number; kind: 'decode'; ids: number[]; tokenizer: TokenizerSource };

export type TokenizerResponse =
  | { id: number; ok: true; kind: 'tokenize'; encoding: Encoding; vocabularySize: number; byteLevel: boolean; elapsedMs: number }
  | { id: number; ok: true; kind: 'decode'; text: string; elapsedMs: number }
  | { id: number; ok: true; kind: 'kinds'; word: KindSummary; character: KindSummary; elapsedMs: number }
  | { id: number; ok: false; error: string };
