import { type AlignedText, forEachCodePoint, mapCodePoints } from './alignedText';
import { flattenStages, type StageConfig, UnsupportedTokenizerError } from './tokenizerJson';

/** A normalizer that keeps the alignment to the original text, with Hugging Face's (Rust) semantics. */
export type AlignedNormalizer = (input: AlignedText) => AlignedText;

export function createAlignedNormalizer(config: StageConfig | null): AlignedNormalizer {
  const steps = flattenStages(config, 'normalizers').map(createStep);
  return (input) => steps.reduce((text, step) => step(text), input);
}

function createStep(config: StageConfig): AlignedNormalizer {
  switch (config.type) {
    case 'BertNormalizer':
      return bertNormalizer(config);
    case 'Lowercase':
      return lowercase;
    case 'NFD':
      return decomposeCanonically;
    default:
      throw new UnsupportedTokenizerError(`Normalizer "${config.type}" is not supported (offsets cannot be aligned).`);
  }
}

// Rust's char::is_whitespace (the White_Space property) plus the three control characters BERT counts as spaces.
const isBertWhitespace = (char: string) => /^[\t\n\r\p{White_Space}]$/u.test(char);
// Rust's `is_other`: Cc, Cf, Cs, Co, Cn, except tab, newline and carriage return.
const isBertControl = (char: string) => !/^[\t\n\r]$/.test(char) && /^\p{C}$/u.test(char);
const isRemovedByCleanText = (char: string) => char === '\u0000' || char === '\uFFFD' || isBertControl(char);
// Printable ASCII passes through cleaning, CJK padding and decomposition unchanged (a fast path for English text).
const isPrintableAscii = (char: string) => char >= ' ' && char <= '~';

const chineseCharRanges: [number, number][] = [
  [0x4e00, 0x9fff], [0x3400, 0x4dbf], [0x20000, 0x2a6df], [0x2a700, 0x2b73f],
  [0x2b740, 0x2b81f], [0x2b920, 0x2ceaf], [0xf900, 0xfaff], [0x2f800, 0x2fa1f],
];
const isChineseChar = (char: string) => {
  const codePoint = char.codePointAt(0) ?? 0;
  return chineseCharRanges.some(([first, last]) => codePoint >= first && codePoint <= last);
};

function bertNormalizer(config: StageConfig): AlignedNormalizer {
  const cleanText = (config.clean_text as boolean | undefined) ?? true;
  const handleChineseChars = (config.handle_chinese_chars as boolean | undefined) ?? true;
  const lowercaseText = (config.lowercase as boolean | undefined) ?? true;
  const stripAccents = (config.strip_accents as boolean | null | undefined) ?? lowercaseText;
  return (input) => {
    let text = input;
    if (cleanText) {
      text = mapCodePoints(text, (char) =>
        isPrintableAscii(char) ? char : isRemovedByCleanText(char) ? '' : isBertWhitespace(char) ? ' ' : char);
    }
    if (handleChineseChars) {
      text = mapCodePoints(text, (char) => (!isPrintableAscii(char) && isChineseChar(char) ? ` ${char} ` : char));
    }
    if (stripAccents) {
      text = mapCodePoints(decomposeCanonically(text), (char) => (!isPrintableAscii(char) && /^\p{Mn}$/u.test(char) ? '' : char));
    }
    if (lowercaseText) text = lowercase(text);
    return text;
  };
}

/** Code point by code point, as Rust's char::to_lowercase (so no final-sigma rule: Σ always becomes σ). */
function lowercase(input: AlignedText): AlignedText {
  return mapCodePoints(input, (char) => char.toLowerCase());
}

/**
 * NFD of the whole text. Each original code point decomposes into n code points; the output code points are handed
 * out in order, n to each original code point (as Rust's unicode-normalization-alignments does when canonical
 * ordering moves a mark across a boundary).
 */
function decomposeCanonically(input: AlignedText): AlignedText {
  const decomposed = input.text.normalize('NFD');
  const sourceUnits: number[] = [];
  forEachCodePoint(input.text, (char, index) => {
    const decomposedLength = isPrintableAscii(char) ? 1 : [...char.normalize('NFD')].length;
    for (let count = 0; count < decomposedLength; count++) sourceUnits.push(index);
  });
  const starts: number[] = [];
  const ends: number[] = [];
  let codePointIndex = 0;
  for (const char of decomposed) {
    const sourceUnit = sourceUnits[codePointIndex++];
    for (let unit = 0; unit < char.length; unit++) {
      starts.push(input.starts[sourceUnit]);
      ends.push(input.ends[sourceUnit]);
    }
  }
  return { text: decomposed, starts, ends };
}
