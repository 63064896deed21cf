import type { TokenizerSource } from './sources';
import type { DecodeOptions, Encoding, TruncationStrategy } from './tokenizer';

export type { TokenizerSource };

/** How one kind of tokenizer (word, character) cuts a text. */
export interface KindSummary {
  vocabularySize: number;
  sequenceLength: number;
  unknownCount: number;
  /** The first tokens, to show. */
  sample: string[];
}

/** transformers' call options: truncation and padding use `maxLength`, else tokenizer_config's model_max_length. */
export interface TokenizeOptions {
  /** A second text: the pair is encoded as the tokenizer's template says (BERT: [CLS] A [SEP] B [SEP]). */
  pair?: string;
  addSpecialTokens?: boolean;
  maxLength?: number;
  truncation?: TruncationStrategy;
  /** 'max_length': pad to maxLength; 'longest': one text is its own longest (only the attention mask is added). */
  padding?: 'max_length' | 'longest';
}

export type TokenizerRequest =
  | { id: number; kind: 'tokenize'; text: string; tokenizer: TokenizerSource; options?: TokenizeOptions }
  | { id: number; kind: 'kinds'; text: string; tokenizer: TokenizerSource }
  | { id: number; kind: 'decode'; ids: number[]; tokenizer: TokenizerSource; options?: DecodeOptions };

/** What a reply says about the tokenizer itself. */
export interface TokenizerFacts {
  vocabularySize: number;
  byteLevel: boolean;
  /** Where the tokenizer came from ("tokenizer.json", "vocab.txt … (built as transformers' BertConverter does)"). */
  builtFrom: string;
  /** tokenizer_config.json's model_max_length, when the folder has one. */
  modelMaxLength: number | null;
}

export type TokenizerResponse =
  | ({ id: number; ok: true; kind: 'tokenize'; encoding: Encoding; elapsedMs: number } & TokenizerFacts)
  | { id: number; ok: true; kind: 'decode'; text: string; elapsedMs: number }
  | { id: number; ok: true; kind: 'kinds'; word: KindSummary; character: KindSummary; normalized: boolean; elapsedMs: number }
  | { id: number; ok: false; error: string };
