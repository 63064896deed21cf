import { type AlignedText, alignedSubText, mapCodePoints, prependAligned } from './alignedText';
import { compilePattern } from './patterns';
import { flattenStages, type StageConfig, stageField, TokenizerFileError, UnsupportedTokenizerError } from './tokenizerJson';

/** One pre-token ("word"): normalized text aligned to the original. */
export type Piece = AlignedText;

/**
 * Splits one added-token-free segment into words, with Hugging Face's (Rust) semantics, keeping every unit's
 * original span. `startsText`: the segment begins at offset 0 of the input (Metaspace's prepend_scheme "first").
 */
export type PreTokenizer = (segment: AlignedText, startsText: boolean) => Piece[];

export interface PreTokenizerInfo {
  preTokenize: PreTokenizer;
  /** A ByteLevel stage is present: words are read as UTF-8 bytes by the model. */
  byteLevel: boolean;
}

type Behavior = 'Removed' | 'Isolated' | 'MergedWithPrevious' | 'MergedWithNext' | 'Contiguous';
type Stage = (piece: Piece, startsText: boolean) => Piece[];

export function createPreTokenizer(config: StageConfig | null): PreTokenizerInfo {
  const configs = flattenStages(config, 'pretokenizers');
  const stages = configs.map(createStage);
  return {
    byteLevel: configs.some((stage) => stage.type === 'ByteLevel'),
    preTokenize: (segment, startsText) => {
      let pieces: Piece[] = [segment];
      for (const stage of stages) pieces = pieces.flatMap((piece) => stage(piece, startsText && piece.starts[0] === segment.starts[0]));
      return pieces.filter((piece) => piece.text.length > 0);
    },
  };
}

// Hugging Face counts Unicode White_Space as whitespace; Rust's \w is Unicode too.
const WHITESPACE = '\\p{White_Space}';
const WORD = '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}';
/** Rust's `is_punctuation`: ASCII punctuation or any Unicode P category. */
const PUNCTUATION = '\\p{P}\\u0021-\\u002F\\u003A-\\u0040\\u005B-\\u0060\\u007B-\\u007E';
/** GPT-2's pre-tokenizer pattern with \s read as White_Space. */
const gpt2Pattern = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\p{White_Space}\p{L}\p{N}]+|\p{White_Space}+(?!\P{White_Space})|\p{White_Space}+/gu;

function createStage(config: StageConfig): Stage {
  switch (config.type) {
    case 'BertPreTokenizer':
      return (piece) => split(piece, new RegExp(`[${WHITESPACE}]`, 'gu'), 'Removed')
        .flatMap((word) => split(word, new RegExp(`[${PUNCTUATION}]`, 'gu'), 'Isolated'));
    case 'WhitespaceSplit':
      return (piece) => split(piece, new RegExp(`[${WHITESPACE}]+`, 'gu'), 'Removed');
    case 'Whitespace':
      return (piece) => split(piece, new RegExp(`[${WORD}]+|[^${WORD}${WHITESPACE}]+`, 'gu'), 'Removed', true);
    case 'Punctuation':
      return (piece) => split(piece, new RegExp(`[${PUNCTUATION}]`, 'gu'), behavior(config, 'Isolated'));
    case 'Digits': {
      const individual = stageField(config, 'individual_digits', 'boolean', false);
      return (piece) => split(piece, /\p{N}/gu, individual ? 'Isolated' : 'Contiguous');
    }
    case 'Split': {
      const pattern = compilePattern(config.pattern, 'Split.pattern');
      const invert = stageField(config, 'invert', 'boolean', false);
      const how = behavior(config);
      return (piece) => split(piece, pattern, how, invert);
    }
    case 'ByteLevel': {
      const addPrefixSpace = stageField(config, 'add_prefix_space', 'boolean', true);
      const useRegex = stageField(config, 'use_regex', 'boolean', true);
      return (piece) => {
        const prefixed = addPrefixSpace && !piece.text.startsWith(' ') ? prependAligned(piece, ' ') : piece;
        return useRegex ? split(prefixed, gpt2Pattern, 'Isolated') : [prefixed];
      };
    }
    case 'Metaspace':
      return metaspace(config);
    default:
      throw new UnsupportedTokenizerError(`Pre-tokenizer "${config.type}" is not supported (offsets cannot be aligned).`);
  }
}

function behavior(config: StageConfig, fallback?: Behavior): Behavior {
  const value = stageField<string>(config, 'behavior', 'string', fallback);
  const known: Behavior[] = ['Removed', 'Isolated', 'MergedWithPrevious', 'MergedWithNext', 'Contiguous'];
  const found = known.find((name) => name.toLowerCase() === value.toLowerCase());
  if (!found) throw new TokenizerFileError(`tokenizer.json: ${config.type}.behavior "${value}" is not one of ${known.join(', ')}.`);
  return found;
}

/**
 * Metaspace: spaces become the replacement character (U+2581 "▁"), one is put in front as `prepend_scheme` says
 * (the older form's `add_prefix_space: true` means "always"), then words start at each replacement character.
 */
function metaspace(config: StageConfig): Stage {
  const replacement = stageField(config, 'replacement', 'string', '\u2581');
  if ([...replacement].length !== 1) throw new TokenizerFileError('tokenizer.json: Metaspace.replacement must be one character.');
  const legacy = stageField<boolean | null>(config, 'add_prefix_space', 'boolean', null as unknown as boolean);
  const scheme = stageField<string>(config, 'prepend_scheme', 'string', legacy === false ? 'never' : 'always');
  if (!['always', 'first', 'never'].includes(scheme)) {
    throw new TokenizerFileError(`tokenizer.json: Metaspace.prepend_scheme "${scheme}" is not one of always, first, never.`);
  }
  const splits = stageField(config, 'split', 'boolean', true);
  const replacementPattern = new RegExp(replacement.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gu');
  return (piece, startsText) => {
    let text = mapCodePoints(piece, (char) => (char === ' ' ? replacement : char));
    if (!text.text.startsWith(replacement) && (scheme === 'always' || (scheme === 'first' && startsText))) {
      text = prependAligned(text, replacement);
    }
    return splits ? split(text, replacementPattern, 'MergedWithNext') : [text];
  };
}

/**
 * Rust's NormalizedString::split: the pattern's matches (or, inverted, the text between them) are the
 * delimiters, kept or merged as `how` says; empty pieces are dropped.
 */
function split(piece: Piece, pattern: RegExp, how: Behavior, invert = false): Piece[] {
  const spans: [number, number, boolean][] = [];
  let cursor = 0;
  for (const match of piece.text.matchAll(pattern)) {
    if (match[0].length === 0) continue;
    if (match.index > cursor) spans.push([cursor, match.index, invert]);
    spans.push([match.index, match.index + match[0].length, !invert]);
    cursor = match.index + match[0].length;
  }
  if (cursor < piece.text.length) spans.push([cursor, piece.text.length, invert]);

  const ranges: [number, number][] = [];
  if (how === 'Removed') {
    for (const [start, end, isMatch] of spans) if (!isMatch) ranges.push([start, end]);
  } else if (how === 'Isolated') {
    for (const [start, end] of spans) ranges.push([start, end]);
  } else if (how === 'MergedWithPrevious') {
    let previousMatch = false;
    for (const [start, end, isMatch] of spans) {
      if (isMatch && !previousMatch && ranges.length > 0) ranges[ranges.length - 1][1] = end;
      else ranges.push([start, end]);
      previousMatch = isMatch;
    }
  } else if (how === 'MergedWithNext') {
    let previousMatch = false;
    for (let i = spans.length - 1; i >= 0; i--) {
      const [start, end, isMatch] = spans[i];
      if (isMatch && !previousMatch && ranges.length > 0) ranges[ranges.length - 1][0] = start;
      else ranges.push([start, end]);
      previousMatch = isMatch;
    }
    ranges.reverse();
  } else {
    let previousMatch = false;
    for (const [start, end, isMatch] of spans) {
      if (isMatch === previousMatch && ranges.length > 0) ranges[ranges.length - 1][1] = end;
      else ranges.push([start, end]);
      previousMatch = isMatch;
    }
  }
  return ranges.filter(([start, end]) => end > start).map(([start, end]) => alignedSubText(piece, start, end));
}
