import { createAddedTokenSplitter, type Segment } from './addedTokens';
import { type AlignedText, alignedSlice, alignedSubText, forEachCodePoint, originalSpan } from './alignedText';
import { textToByteLevel, utf8Length } from './byteLevel';
import { cleanUpTokenization, createDecoder, type Decoder } from './decoders';
import { createModel, type TokenModel } from './models';
import { type AlignedNormalizer, createAlignedNormalizer } from './normalizers';
import { createPostProcessor, type PostProcessor, type ProcessedTokens, type SequenceTokens } from './postProcess';
import { createPreTokenizer, type PreTokenizer } from './preTokenizers';
import { type AddedTokenConfig, asTokenizerJson, TokenizerFileError, UnsupportedTokenizerError } from './tokenizerJson';

/**
 * A tokenized text. `offsets[i]` is the [start, end) of token i in its input string, in UTF-16 units (JavaScript
 * string indices), equal to Hugging Face's offsets; tokens added by the post-processor ([CLS], [SEP], <s>) are
 * `special` and have [0, 0]. `typeIds` are 0 for the first text, 1 for a second one (RoBERTa: always 0);
 * `wordIds` number the pre-tokenizer's words (null for special tokens), as Hugging Face's `word_ids()`.
 */
export interface Encoding {
  ids: number[];
  tokens: string[];
  offsets: [number, number][];
  special: boolean[];
  typeIds: number[];
  wordIds: (number | null)[];
  /** With padding: 1 for real tokens, 0 for padding. */
  attentionMask?: number[];
}

/** A sentence pair's encoding (the same fields; offsets of the second text's tokens point into the second text). */
export type PairEncoding = Encoding;

export type TruncationStrategy = 'longest_first' | 'only_first' | 'only_second';

export interface EncodeOptions {
  /** Add the special tokens Hugging Face adds by default (BERT: [CLS] … [SEP]; GPT-2: none). Default true. */
  addSpecialTokens?: boolean;
  /** Cut to at most `maxLength` tokens (special tokens included), as Hugging Face's truncation does. */
  truncation?: { maxLength: number; strategy?: TruncationStrategy };
  /** Pad to `length` tokens with the padding token (on the right), adding `attentionMask`. */
  padding?: { length: number };
}

export interface DecodeOptions {
  skipSpecialTokens?: boolean;
  /** transformers' clean_up_tokenization (" ." -> ".", " 's" -> "'s" …); default: the tokenizer's own setting. */
  cleanUpTokenizationSpaces?: boolean;
}

export interface LoadOptions {
  /** Names the file in error messages. */
  source?: string;
  /** What `decode` does by default: tokenizer_config.json's `clean_up_tokenization_spaces`, else transformers' default. */
  cleanUpTokenizationSpaces?: boolean;
}

/**
 * Any Hugging Face tokenizer.json whose stages this project can align (WordPiece; BPE, byte-level or
 * SentencePiece-style with byte fallback), run with the Rust library's semantics: added tokens are split off,
 * the rest normalized with alignment, pre-tokenized, cut by the model and post-processed, so every token knows
 * where it came from.
 */
export class TextTokenizer {
  /** Largest id + 1, added tokens included: the embedding rows a model needs for it. */
  readonly vocabSize: number;
  /** Byte-level BPE (GPT-2, RoBERTa): tokens stand for UTF-8 bytes, so one character may span several tokens. */
  readonly byteLevel: boolean;
  readonly cleanUpTokenizationSpaces: boolean;
  /** The padding token from tokenizer.json's `padding`, or a [PAD] / <pad> / <|padding|> added token. */
  readonly padToken: { id: number; token: string } | null;
  private readonly idToTokenTable: string[] = [];
  private readonly addedById = new Map<number, AddedTokenConfig>();
  private readonly specialContents = new Set<string>();
  private readonly model: TokenModel;
  private readonly splitRaw: (text: string) => Segment[];
  private readonly splitNormalized: (text: string) => Segment[];
  private readonly normalize: AlignedNormalizer;
  private readonly preTokenize: PreTokenizer;
  private readonly postProcessor: PostProcessor;
  private readonly decoder: Decoder;

  constructor(tokenizerJson: unknown, options: LoadOptions = {}) {
    const json = asTokenizerJson(tokenizerJson, options.source);
    this.model = createModel(json.model);
    for (const [token, id] of this.model.vocab) this.idToTokenTable[id] = token;
    for (const token of json.added_tokens) {
      this.idToTokenTable[token.id] = token.content;
      this.addedById.set(token.id, token);
      if (token.special) this.specialContents.add(token.content);
    }
    this.vocabSize = this.idToTokenTable.length;
    this.normalize = createAlignedNormalizer(json.normalizer);
    const normalizeText = (text: string) => this.normalize(alignedSlice(text, 0, text.length)).text;
    this.splitRaw = createAddedTokenSplitter(json.added_tokens.filter((token) => !token.normalized).map((token) => ({ pattern: token.content, token })));
    this.splitNormalized = createAddedTokenSplitter(json.added_tokens.filter((token) => token.normalized).map((token) => ({ pattern: normalizeText(token.content), token })));
    const preTokenizer = createPreTokenizer(json.pre_tokenizer);
    this.preTokenize = preTokenizer.preTokenize;
    this.byteLevel = preTokenizer.byteLevel;
    if (this.byteLevel && json.model.type !== 'BPE') {
      throw new UnsupportedTokenizerError('A ByteLevel pre-tokenizer needs a BPE model.');
    }
    this.postProcessor = createPostProcessor(json.post_processor);
    this.decoder = createDecoder(json.decoder);
    this.cleanUpTokenizationSpaces = options.cleanUpTokenizationSpaces ?? json.model.type === 'WordPiece';
    this.padToken = findPadToken(json.padding, json.added_tokens, (id) => this.idToTokenTable[id]);
  }

  encode(text: string, options: EncodeOptions = {}): Encoding {
    return this.prepare(text, null, options);
  }

  encodePair(first: string, second: string, options: EncodeOptions = {}): PairEncoding {
    return this.prepare(first, second, options);
  }

  /** The text as the normalizer leaves it (BERT uncased: lowercased, accents stripped). */
  normalizeText(text: string): string {
    return this.normalize(alignedSlice(text, 0, text.length)).text;
  }

  decode(ids: readonly number[], options: DecodeOptions = {}): string {
    const tokens: string[] = [];
    for (let index = 0; index < ids.length; index++) {
      const id = ids[index];
      const token = Number.isInteger(id) && id >= 0 ? this.idToTokenTable[id] : undefined;
      if (token === undefined) {
        throw new RangeError(`Token id ${describeId(id)} (position ${index}) is not in this tokenizer's vocabulary (ids 0 to ${(this.vocabSize - 1).toLocaleString('en-US')}).`);
      }
      if (options.skipSpecialTokens && this.specialContents.has(token)) continue;
      tokens.push(token);
    }
    if (tokens.length === 0) return '';
    const text = this.decoder(tokens);
    return options.cleanUpTokenizationSpaces ?? this.cleanUpTokenizationSpaces ? cleanUpTokenization(text) : text;
  }

  /** Every vocabulary entry (added tokens included), indexed by id (holes stay undefined). */
  vocabulary(): string[] {
    return [...this.idToTokenTable];
  }

  idToToken(id: number): string | undefined {
    return Number.isInteger(id) && id >= 0 ? this.idToTokenTable[id] : undefined;
  }

  tokenToId(token: string): number | undefined {
    for (const [id, added] of this.addedById) if (added.content === token) return id;
    return this.model.vocab.get(token);
  }

  isSpecialId(id: number): boolean {
    return this.addedById.get(id)?.special === true;
  }

  private prepare(first: string, second: string | null, options: EncodeOptions): Encoding {
    const addSpecialTokens = options.addSpecialTokens ?? true;
    let a = this.encodeSequence(first);
    let b = second === null ? null : this.encodeSequence(second);
    if (options.truncation) [a, b] = this.truncate(a, b, options.truncation, addSpecialTokens);
    const processed: ProcessedTokens = this.postProcessor.process(a, b, addSpecialTokens);
    const encoding: Encoding = { ...processed };
    if (options.padding) this.pad(encoding, options.padding.length);
    return encoding;
  }

  /** Hugging Face's truncate_encodings (right side, no stride), leaving room for the special tokens. */
  private truncate(a: SequenceTokens, b: SequenceTokens | null, truncation: NonNullable<EncodeOptions['truncation']>, addSpecialTokens: boolean): [SequenceTokens, SequenceTokens | null] {
    const added = addSpecialTokens ? this.postProcessor.addedTokens(b !== null) : 0;
    if (truncation.maxLength < added) {
      throw new RangeError(`maxLength ${truncation.maxLength} leaves no room: this tokenizer adds ${added} special tokens${b ? ' to a pair' : ''}.`);
    }
    const maxLength = truncation.maxLength - added;
    const total = a.ids.length + (b?.ids.length ?? 0);
    if (total <= maxLength) return [a, b];
    const strategy = truncation.strategy ?? 'longest_first';
    if (b === null || strategy !== 'longest_first') {
      if (b === null && strategy === 'only_second') throw new RangeError('truncation strategy "only_second" needs a pair.');
      const target = b === null || strategy === 'only_first' ? a : b;
      const remove = total - maxLength;
      if (target.ids.length <= remove && b !== null) {
        throw new RangeError(`Cannot truncate: the ${target === a ? 'first' : 'second'} text has ${target.ids.length} tokens and ${remove} must go (strategy "${strategy}").`);
      }
      const cut = cutSequence(target, Math.max(0, target.ids.length - remove));
      return target === a ? [cut, b] : [a, cut];
    }
    let n1 = a.ids.length;
    let n2 = b.ids.length;
    const swap = n1 > n2;
    if (swap) [n1, n2] = [n2, n1];
    n2 = n1 > maxLength ? n1 : Math.max(n1, maxLength - n1);
    if (n1 + n2 > maxLength) {
      n1 = Math.floor(maxLength / 2);
      n2 = n1 + (maxLength % 2);
    }
    if (swap) [n1, n2] = [n2, n1];
    return [cutSequence(a, n1), cutSequence(b, n2)];
  }

  private pad(encoding: Encoding, length: number): void {
    encoding.attentionMask = encoding.ids.map(() => 1);
    if (encoding.ids.length >= length) return;
    if (!this.padToken) throw new RangeError('This tokenizer has no padding token ([PAD], <pad> or a "padding" section), so it cannot pad.');
    while (encoding.ids.length < length) {
      encoding.ids.push(this.padToken.id);
      encoding.tokens.push(this.padToken.token);
      encoding.offsets.push([0, 0]);
      encoding.special.push(true);
      encoding.typeIds.push(0);
      encoding.wordIds.push(null);
      encoding.attentionMask.push(0);
    }
  }

  private encodeSequence(text: string): SequenceTokens {
    const sequence: SequenceTokens = { text, ids: [], tokens: [], offsets: [], wordIds: [] };
    let word = 0;
    const push = (id: number, token: string, offset: [number, number]) => {
      sequence.ids.push(id);
      sequence.tokens.push(token);
      sequence.offsets.push(offset);
      sequence.wordIds.push(word);
    };
    for (const segment of this.splitRaw(text)) {
      if (segment.addedToken) {
        // As in Hugging Face, the token is the matched text: an lstrip/rstrip token includes the spaces it swallowed.
        push(segment.addedToken.id, text.slice(segment.start, segment.end), [segment.start, segment.end]);
        word++;
        continue;
      }
      const normalized = this.normalize(alignedSlice(text, segment.start, segment.end));
      for (const part of this.splitNormalized(normalized.text)) {
        if (part.addedToken) {
          push(part.addedToken.id, normalized.text.slice(part.start, part.end), originalSpan(normalized, part.start, part.end));
          word++;
          continue;
        }
        const startsText = segment.start === 0 && part.start === 0;
        for (const piece of this.preTokenize(alignedSubText(normalized, part.start, part.end), startsText)) {
          for (const token of this.tokenizePiece(piece)) push(token.id, token.token, token.offset);
          word++;
        }
      }
    }
    return sequence;
  }

  private tokenizePiece(piece: AlignedText): { id: number; token: string; offset: [number, number] }[] {
    if (!this.byteLevel) {
      return this.model.tokenize(piece.text).map(({ id, token, start, end }) => ({ id, token, offset: originalSpan(piece, start, end) }));
    }
    // Byte-level: each model unit is one UTF-8 byte of the piece; a token spans every character its bytes touch.
    const charStartOfByte: number[] = [];
    const charEndOfByte: number[] = [];
    forEachCodePoint(piece.text, (char, index) => {
      for (let byte = utf8Length(char); byte > 0; byte--) {
        charStartOfByte.push(index);
        charEndOfByte.push(index + char.length);
      }
    });
    return this.model.tokenize(textToByteLevel(piece.text)).map(({ id, token, start, end }) => ({
      id, token, offset: originalSpan(piece, charStartOfByte[start], charEndOfByte[end - 1]),
    }));
  }
}

function cutSequence(sequence: SequenceTokens, length: number): SequenceTokens {
  return {
    text: sequence.text,
    ids: sequence.ids.slice(0, length),
    tokens: sequence.tokens.slice(0, length),
    offsets: sequence.offsets.slice(0, length),
    wordIds: sequence.wordIds.slice(0, length),
  };
}

const describeId = (id: unknown) => (typeof id === 'number' ? String(id) : JSON.stringify(id) ?? String(id));

const PAD_TOKENS = ['[PAD]', '<pad>', '<|padding|>', '<|pad|>'];

function findPadToken(padding: Record<string, unknown> | null, added: AddedTokenConfig[], tokenOf: (id: number) => string | undefined) {
  if (padding && Number.isInteger(padding.pad_id)) {
    const id = padding.pad_id as number;
    const token = tokenOf(id);
    if (token === undefined) throw new TokenizerFileError(`tokenizer.json: padding.pad_id ${id} is not in the vocabulary.`);
    return { id, token };
  }
  const found = PAD_TOKENS.map((content) => added.find((token) => token.content === content)).find((token) => token !== undefined);
  return found ? { id: found.id, token: found.content } : null;
}

/** Loads any tokenizer.json object (parsed JSON). Throws UnsupportedTokenizerError for stages it cannot align. */
export function loadTokenizer(tokenizerJson: unknown, options: LoadOptions = {}): TextTokenizer {
  return new TextTokenizer(tokenizerJson, options);
}
