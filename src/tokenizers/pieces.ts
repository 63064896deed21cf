import type { Tokenizer } from '@huggingface/tokenizers';
import { forEachCodePoint } from './alignedText';
import { byteLevelToText, textToByteLevel, utf8Length } from './byteLevel';
import { flattenStages, type StageConfig, type TokenizerJson, UnsupportedTokenizerError } from './tokenizerJson';

/** A model token and the units [start, end) of the (normalized) text it was cut from. */
export interface TokenSpan {
  token: string;
  start: number;
  end: number;
}

type SpansInPiece = (tokens: string[], surface: string) => [number, number][];

/**
 * Splits normalized text into model tokens with spans: the library pre-tokenizes and runs the model; this finds
 * each pre-token in the text and each token inside its pre-token.
 */
export function createPieceTokenizer(json: TokenizerJson, library: Tokenizer): (text: string) => TokenSpan[] {
  const preTokenizers = flattenStages(json.pre_tokenizer, 'pretokenizers');
  const byteLevel = preTokenizers.some((stage) => stage.type === 'ByteLevel');
  const unsupported = preTokenizers.find((stage) => !supportedPreTokenizers.has(stage.type) || stage.add_prefix_space === true);
  if (unsupported) {
    throw new UnsupportedTokenizerError(`Pre-tokenizer ${JSON.stringify(unsupported)} is not supported (offsets cannot be aligned).`);
  }
  const spansInPiece = chooseSpansInPiece(json, byteLevel);
  const model = library.model;
  const libraryPreTokenizer = library.pre_tokenizer;
  // Each pre-token as the text it covers; the library's byte-level pieces are turned back into text.
  const preTokenize = ownPreTokenizer(preTokenizers) ?? ((text: string) => {
    const pieces = libraryPreTokenizer ? libraryPreTokenizer(text) : [text];
    return byteLevel ? pieces.map(byteLevelToText) : pieces;
  });
  if (model === null) throw new Error('tokenizer.json has no model.');

  return (text) => {
    const spans: TokenSpan[] = [];
    let cursor = 0;
    for (const surface of preTokenize(text)) {
      const piece = byteLevel ? textToByteLevel(surface) : surface;
      if (surface.length === 0) continue;
      const at = text.indexOf(surface, cursor);
      if (at < 0) throw new Error(`Pre-token ${JSON.stringify(surface)} not found in the normalized text.`);
      cursor = at + surface.length;
      const tokens = model([piece]);
      spansInPiece(tokens, surface).forEach(([start, end], index) => {
        spans.push({ token: tokens[index], start: at + start, end: at + end });
      });
    }
    return spans;
  };
}

// Hugging Face (Oniguruma) counts Unicode White_Space as \s; JavaScript's \s differs (U+FEFF yes, U+0085 no).
const punctuation = '\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E';
/** BertPreTokenizer: runs between whitespace are words, and each punctuation character stands alone. */
const bertWordsAndPunctuation = new RegExp(`[${punctuation}]|[^\\p{White_Space}${punctuation}]+`, 'gu');
/** GPT-2's pre-tokenizer pattern with \s read as White_Space. */
const gpt2Pieces = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\p{White_Space}\p{L}\p{N}]+|\p{White_Space}+(?!\P{White_Space})|\p{White_Space}+/gu;

/**
 * The two pre-tokenizers of the built-in tokenizers, written here because the library splits on JavaScript's \s
 * where Hugging Face splits on Unicode White_Space. Others are left to the library.
 */
function ownPreTokenizer(stages: StageConfig[]): ((text: string) => string[]) | null {
  if (stages.length !== 1) return null;
  const [stage] = stages;
  if (stage.type === 'BertPreTokenizer') return (text) => text.match(bertWordsAndPunctuation) ?? [];
  if (stage.type === 'ByteLevel' && stage.use_regex !== false) return (text) => text.match(gpt2Pieces) ?? [];
  return null;
}

const supportedPreTokenizers = new Set([
  'BertPreTokenizer', 'ByteLevel', 'Whitespace', 'WhitespaceSplit', 'Punctuation', 'Digits', 'Split',
]);

function chooseSpansInPiece(json: TokenizerJson, byteLevel: boolean): SpansInPiece {
  if (json.model.type === 'WordPiece' && !byteLevel) {
    return wordPieceSpans(json.model.continuing_subword_prefix as string, json.model.unk_token as string);
  }
  if (json.model.type === 'BPE' && byteLevel) return byteLevelSpans;
  throw new UnsupportedTokenizerError(
    `Model ${json.model.type} ${byteLevel ? 'with' : 'without'} a byte-level pre-tokenizer is not supported.`,
  );
}

/** WordPiece: "##"-continued pieces tile the word; an unknown word is one [UNK] spanning all of it. */
function wordPieceSpans(prefix: string, unkToken: string): SpansInPiece {
  return (tokens, surface) => {
    if (tokens.length === 1 && tokens[0] === unkToken) return [[0, surface.length]];
    let position = 0;
    return tokens.map((token, index) => {
      const length = token.length - (index > 0 ? prefix.length : 0);
      position += length;
      return [position - length, position];
    });
  };
}

/**
 * Byte-level BPE: each token covers some UTF-8 bytes of the piece; its span is every character those bytes touch
 * (so two tokens holding halves of one emoji both span the whole emoji, as in Hugging Face).
 */
function byteLevelSpans(tokens: string[], surface: string): [number, number][] {
  const charStartOfByte: number[] = [];
  const charEndOfByte: number[] = [];
  forEachCodePoint(surface, (char, index) => {
    for (let byte = utf8Length(char); byte > 0; byte--) {
      charStartOfByte.push(index);
      charEndOfByte.push(index + char.length);
    }
  });
  let byte = 0;
  return tokens.map((token) => {
    const span: [number, number] = [charStartOfByte[byte], charEndOfByte[byte + token.length - 1]];
    byte += token.length;
    return span;
  });
}
