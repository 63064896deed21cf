import { type AlignedText, forEachCodePoint, mapCodePoints, prependAligned } from './alignedText';
import { compilePattern } from './patterns';
import { flattenStages, type StageConfig, stageField, UnsupportedTokenizerError } from './tokenizerJson';

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
    case 'NFKD':
      return (input) => decompose(input, 'NFKD');
    case 'NFC':
      return (input) => compose(input, 'NFC');
    case 'NFKC':
      return (input) => compose(input, 'NFKC');
    case 'StripAccents':
      return (input) => mapCodePoints(input, (char) => (/^\p{M}$/u.test(char) ? '' : char));
    case 'Strip':
      return strip(stageField(config, 'left', 'boolean', true), stageField(config, 'right', 'boolean', true));
    case 'Prepend': {
      const prefix = stageField<string>(config, 'prepend', 'string');
      return (input) => prependAligned(input, prefix);
    }
    case 'Replace':
      return replace(config);
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
  return decompose(input, 'NFD');
}

function decompose(input: AlignedText, form: 'NFD' | 'NFKD'): AlignedText {
  const decomposed = input.text.normalize(form);
  const sourceUnits: number[] = [];
  forEachCodePoint(input.text, (char, index) => {
    const decomposedLength = isPrintableAscii(char) ? 1 : [...char.normalize(form)].length;
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

/**
 * NFC / NFKC as Rust's alignment-keeping normalization does it: decompose (NFD / NFKD, every piece keeping its
 * character's span), then compose; a composed character takes the span of the first decomposed character it
 * absorbs, and the characters after it line up with the decomposed ones that follow.
 */
function compose(input: AlignedText, form: 'NFC' | 'NFKC'): AlignedText {
  const decomposed = decompose(input, form === 'NFC' ? 'NFD' : 'NFKD');
  const unitOfCodePoint: number[] = [];
  forEachCodePoint(decomposed.text, (_, index) => unitOfCodePoint.push(index));
  const text: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let position = 0;
  for (const char of decomposed.text.normalize(form)) {
    const source = unitOfCodePoint[Math.min(position, unitOfCodePoint.length - 1)];
    text.push(char);
    for (let unit = 0; unit < char.length; unit++) {
      starts.push(decomposed.starts[source]);
      ends.push(decomposed.ends[source]);
    }
    position += [...char.normalize('NFD')].length;
  }
  return { text: text.join(''), starts, ends };
}

const isWhitespace = (char: string) => /^\p{White_Space}$/u.test(char);

function strip(left: boolean, right: boolean): AlignedNormalizer {
  return (input) => {
    const chars = [...input.text];
    let first = 0;
    let last = chars.length;
    if (left) while (first < last && isWhitespace(chars[first])) first++;
    if (right) while (last > first && isWhitespace(chars[last - 1])) last--;
    const start = chars.slice(0, first).join('').length;
    const end = start + chars.slice(first, last).join('').length;
    return { text: input.text.slice(start, end), starts: input.starts.slice(start, end), ends: input.ends.slice(start, end) };
  };
}

/** Replace: every match becomes `content`, whose units take the span of the match's last character (as in Rust). */
function replace(config: StageConfig): AlignedNormalizer {
  const pattern = compilePattern(config.pattern, 'Replace.pattern');
  const content = stageField(config, 'content', 'string', '');
  return (input) => {
    const pieces: string[] = [];
    const starts: number[] = [];
    const ends: number[] = [];
    let cursor = 0;
    const keep = (start: number, end: number) => {
      pieces.push(input.text.slice(start, end));
      for (let unit = start; unit < end; unit++) {
        starts.push(input.starts[unit]);
        ends.push(input.ends[unit]);
      }
    };
    for (const match of input.text.matchAll(pattern)) {
      if (match[0].length === 0) continue;
      keep(cursor, match.index);
      const last = match.index + match[0].length - 1;
      pieces.push(content);
      for (let unit = 0; unit < content.length; unit++) {
        starts.push(input.starts[last]);
        ends.push(input.ends[last]);
      }
      cursor = match.index + match[0].length;
    }
    keep(cursor, input.text.length);
    return { text: pieces.join(''), starts, ends };
  };
}
