/**
 * Two deliberately naive tokenizers for the tutorial's comparison with WordPiece and BPE: one token per word (a
 * vocabulary built from a corpus, [UNK] beyond it) and one token per character (code point).
 */
export interface SimpleEncoding {
  tokens: string[];
  ids: number[];
  /** [start, end) of each token in the input, in UTF-16 units. */
  offsets: [number, number][];
  unknownCount: number;
  vocabularySize: number;
  sequenceLength: number;
}

export const UNKNOWN_TOKEN = '[UNK]';
const UNKNOWN_ID = 0;

/** Words are runs of letters, digits and marks; every other non-space character is a token of its own. */
const wordsAndSymbols = /[\p{L}\p{N}\p{M}]+|[^\s\p{L}\p{N}\p{M}]/gu;

interface Splitter {
  split(text: string): { token: string; start: number; end: number }[];
}

const wordSplitter: Splitter = {
  split: (text) => Array.from(text.matchAll(wordsAndSymbols), (match) => ({
    token: match[0].toLowerCase(), start: match.index, end: match.index + match[0].length,
  })),
};

const characterSplitter: Splitter = {
  split: (text) => {
    const pieces: { token: string; start: number; end: number }[] = [];
    let start = 0;
    for (const char of text) {
      pieces.push({ token: char, start, end: start + char.length });
      start += char.length;
    }
    return pieces;
  },
};

export class SimpleTokenizer {
  private readonly ids: Map<string, number>;

  private constructor(private readonly splitter: Splitter, vocabulary: string[]) {
    this.ids = new Map([UNKNOWN_TOKEN, ...vocabulary].map((token, id) => [token, id]));
  }

  /** Lowercased words of `corpus`, most frequent first, at most `maxVocabularySize` of them (plus [UNK]). */
  static wordLevel(corpus: string, maxVocabularySize = Infinity): SimpleTokenizer {
    return new SimpleTokenizer(wordSplitter, vocabularyByFrequency(wordSplitter, corpus, maxVocabularySize));
  }

  /**
   * A word-level and a character-level tokenizer with the vocabulary a subword tokenizer already has: its whole
   * words, and its single characters. Compared on the same text, they show why subwords won.
   */
  static fromSubwordVocabulary(subwordVocabulary: readonly string[]): { word: SimpleTokenizer; character: SimpleTokenizer } {
    const entries = subwordVocabulary.filter((token) => token !== undefined && !token.startsWith('##') && !/^\[.*\]$/.test(token));
    const words = entries.filter((token) => /^[\p{L}\p{N}\p{M}]+$/u.test(token) || [...token].length === 1);
    // Subword vocabularies drop whitespace in pre-tokenization; a character tokenizer has to spell it out.
    const characters = [' ', '\n', '\t', ...entries.filter((token) => [...token].length === 1)];
    return { word: new SimpleTokenizer(wordSplitter, words), character: new SimpleTokenizer(characterSplitter, characters) };
  }

  /** Every code point seen in `corpus` (plus [UNK]). */
  static characterLevel(corpus: string): SimpleTokenizer {
    return new SimpleTokenizer(characterSplitter, vocabularyByFrequency(characterSplitter, corpus, Infinity));
  }

  get vocabularySize(): number {
    return this.ids.size;
  }

  encode(text: string): SimpleEncoding {
    const pieces = this.splitter.split(text);
    const ids = pieces.map(({ token }) => this.ids.get(token) ?? UNKNOWN_ID);
    return {
      tokens: pieces.map(({ token }, index) => (ids[index] === UNKNOWN_ID ? UNKNOWN_TOKEN : token)),
      ids,
      offsets: pieces.map(({ start, end }) => [start, end]),
      unknownCount: ids.filter((id) => id === UNKNOWN_ID).length,
      vocabularySize: this.vocabularySize,
      sequenceLength: ids.length,
    };
  }
}

function vocabularyByFrequency(splitter: Splitter, corpus: string, maxSize: number): string[] {
  const counts = new Map<string, number>();
  for (const { token } of splitter.split(corpus)) counts.set(token, (counts.get(token) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([a, countA], [b, countB]) => countB - countA || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, maxSize)
    .map(([token]) => token);
}
