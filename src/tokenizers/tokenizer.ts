import { Tokenizer as LibraryTokenizer } from '@huggingface/tokenizers';
import { createAddedTokenSplitter, type Segment } from './addedTokens';
import { alignedSlice, originalSpan } from './alignedText';
import { createAlignedNormalizer } from './normalizers';
import { createPieceTokenizer } from './pieces';
import { createPostProcessor, type SequenceTokens } from './postProcess';
import { asTokenizerJson, flattenStages } from './tokenizerJson';

/**
 * A tokenized text. `offsets[i]` is the [start, end) of token i in the input string, in UTF-16 units (JavaScript
 * string indices), equal to Hugging Face's offsets; tokens added by the post-processor ([CLS], [SEP]) are
 * `special` and have [0, 0].
 */
export interface Encoding {
  ids: number[];
  tokens: string[];
  offsets: [number, number][];
  special: boolean[];
}

/** A sentence pair: `typeIds` are 0 for the first text (and its [CLS] [SEP]), 1 for the second. */
export interface PairEncoding extends Encoding {
  typeIds: number[];
}

export interface EncodeOptions {
  /** Add the special tokens Hugging Face adds by default (BERT: [CLS] … [SEP]; GPT-2: none). Default true. */
  addSpecialTokens?: boolean;
}

export interface DecodeOptions {
  skipSpecialTokens?: boolean;
}

/**
 * Any Hugging Face tokenizer.json whose stages this project can align (BERT-style WordPiece, byte-level BPE): the
 * library @huggingface/tokenizers pre-tokenizes, runs the model and decodes; this class normalizes with alignment,
 * splits added tokens and post-processes, so every token knows where it came from.
 */
export class TextTokenizer {
  readonly vocabSize: number;
  /** Byte-level BPE (GPT-2): tokens stand for UTF-8 bytes, so one character may span several tokens. */
  readonly byteLevel: boolean;
  private readonly library: LibraryTokenizer;
  private readonly splitAddedTokens: (text: string) => Segment[];
  private readonly normalize;
  private readonly tokenizePieces;
  private readonly postProcess;

  constructor(tokenizerJson: unknown) {
    const json = asTokenizerJson(tokenizerJson);
    // Decoding follows the tokenizer.json's decoder alone, as Hugging Face's Rust tokenizers do.
    this.library = new LibraryTokenizer(json, { clean_up_tokenization_spaces: false });
    // Tokens that are normalized are matched after normalization; with no normalizer, that is the raw text.
    if (json.normalizer !== null && json.added_tokens.some((token) => token.normalized)) {
      throw new Error('Added tokens matched after normalization are not supported.');
    }
    this.splitAddedTokens = createAddedTokenSplitter(json.added_tokens);
    this.normalize = createAlignedNormalizer(json.normalizer);
    this.tokenizePieces = createPieceTokenizer(json, this.library);
    this.postProcess = createPostProcessor(json.post_processor);
    this.vocabSize = this.library.get_vocab(true).size;
    this.byteLevel = flattenStages(json.decoder, 'decoders').some((stage) => stage.type === 'ByteLevel');
  }

  encode(text: string, options: EncodeOptions = {}): Encoding {
    const { ids, tokens, offsets, special } = this.postProcess(this.encodeSequence(text), null, options.addSpecialTokens ?? true);
    return { ids, tokens, offsets, special };
  }

  encodePair(first: string, second: string, options: EncodeOptions = {}): PairEncoding {
    return this.postProcess(this.encodeSequence(first), this.encodeSequence(second), options.addSpecialTokens ?? true);
  }

  decode(ids: number[], options: DecodeOptions = {}): string {
    if (ids.length === 0) return '';
    return this.library.decode(ids, { skip_special_tokens: options.skipSpecialTokens ?? false });
  }

  /** Every vocabulary entry (added tokens included), indexed by id. */
  vocabulary(): string[] {
    const tokens: string[] = [];
    for (const [token, id] of this.library.get_vocab(true)) tokens[id] = token;
    return tokens;
  }

  idToToken(id: number): string | undefined {
    return this.library.id_to_token(id);
  }

  private encodeSequence(text: string): SequenceTokens {
    const sequence: SequenceTokens = { ids: [], tokens: [], offsets: [] };
    for (const segment of this.splitAddedTokens(text)) {
      if (segment.addedToken) {
        sequence.ids.push(segment.addedToken.id);
        // As in Hugging Face, the token is the matched text: an lstrip/rstrip token includes the spaces it swallowed.
        sequence.tokens.push(text.slice(segment.start, segment.end));
        sequence.offsets.push([segment.start, segment.end]);
        continue;
      }
      const normalized = this.normalize(alignedSlice(text, segment.start, segment.end));
      for (const span of this.tokenizePieces(normalized.text)) {
        sequence.ids.push(this.tokenId(span.token));
        sequence.tokens.push(span.token);
        sequence.offsets.push(originalSpan(normalized, span.start, span.end));
      }
    }
    return sequence;
  }

  private tokenId(token: string): number {
    const id = this.library.token_to_id(token);
    if (id === undefined) throw new Error(`Token ${JSON.stringify(token)} is not in the vocabulary.`);
    return id;
  }
}

/** Loads any tokenizer.json object (parsed JSON). Throws UnsupportedTokenizerError for stages it cannot align. */
export function loadTokenizer(tokenizerJson: unknown): TextTokenizer {
  return new TextTokenizer(tokenizerJson);
}
