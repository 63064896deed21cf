/**
 * A string derived from an original text (by normalization) that remembers, for every UTF-16 unit, the span of the
 * original text it came from: unit i of `text` came from original[starts[i], ends[i]). This is how offsets survive
 * lowercasing, accent stripping, CJK padding and removed control characters.
 */
export interface AlignedText {
  text: string;
  starts: number[];
  ends: number[];
}

/** The identity alignment of original[start, end). */
export function alignedSlice(original: string, start: number, end: number): AlignedText {
  const starts: number[] = [];
  const ends: number[] = [];
  forEachCodePoint(original.slice(start, end), (char, index) => {
    for (let unit = 0; unit < char.length; unit++) {
      starts.push(start + index);
      ends.push(start + index + char.length);
    }
  });
  return { text: original.slice(start, end), starts, ends };
}

/** The original span covered by units [start, end) of an aligned text. */
export function originalSpan(aligned: AlignedText, start: number, end: number): [number, number] {
  let originalStart = Infinity;
  let originalEnd = -Infinity;
  for (let unit = start; unit < end; unit++) {
    originalStart = Math.min(originalStart, aligned.starts[unit]);
    originalEnd = Math.max(originalEnd, aligned.ends[unit]);
  }
  return [originalStart, originalEnd];
}

/** Calls `visit(char, index)` for every code point of `text`, `index` being its UTF-16 position. */
export function forEachCodePoint(text: string, visit: (char: string, index: number) => void): void {
  let index = 0;
  for (const char of text) {
    visit(char, index);
    index += char.length;
  }
}

/**
 * Rewrites an aligned text code point by code point: `rewrite(char)` returns the replacement (possibly empty or
 * several characters); every unit of the replacement inherits the original span of `char`.
 */
export function mapCodePoints(aligned: AlignedText, rewrite: (char: string) => string): AlignedText {
  const pieces: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  forEachCodePoint(aligned.text, (char, index) => {
    const replacement = rewrite(char);
    pieces.push(replacement);
    for (let unit = 0; unit < replacement.length; unit++) {
      starts.push(aligned.starts[index]);
      ends.push(aligned.ends[index]);
    }
  });
  return { text: pieces.join(''), starts, ends };
}

/** Units [start, end) of an aligned text, still aligned to the original. */
export function alignedSubText(aligned: AlignedText, start: number, end: number): AlignedText {
  return { text: aligned.text.slice(start, end), starts: aligned.starts.slice(start, end), ends: aligned.ends.slice(start, end) };
}

/** `prefix` put before a non-empty text; its units share the first character's original span (Rust's prepend). */
export function prependAligned(aligned: AlignedText, prefix: string): AlignedText {
  if (aligned.text.length === 0) return aligned;
  return {
    text: prefix + aligned.text,
    starts: [...Array<number>(prefix.length).fill(aligned.starts[0]), ...aligned.starts],
    ends: [...Array<number>(prefix.length).fill(aligned.ends[0]), ...aligned.ends],
  };
}
