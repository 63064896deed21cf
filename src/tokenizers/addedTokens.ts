import type { AddedTokenConfig } from './tokenizerJson';

/** A stretch [start, end) of a text: either one added token matched literally, or text to tokenize normally. */
export interface Segment {
  start: number;
  end: number;
  addedToken: AddedTokenConfig | null;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const isWhitespace = (char: string) => /^\p{White_Space}$/u.test(char);
// Rust regex's \w: alphabetic, marks, decimal digits, connector punctuation, join controls.
const isWordChar = (char: string) => /^[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]$/u.test(char);

/**
 * Finds added tokens (e.g. a literal "[MASK]" or "<|endoftext|>") as Hugging Face's AddedVocabulary does: leftmost
 * match, longest first; `single_word` tokens only between non-word characters; `lstrip`/`rstrip` tokens swallow
 * the whitespace beside them. `patterns` are the strings to look for (a token's normalized content when it is
 * matched after normalization).
 */
export function createAddedTokenSplitter(tokens: { pattern: string; token: AddedTokenConfig }[]): (text: string) => Segment[] {
  if (tokens.length === 0) return (text) => [{ start: 0, end: text.length, addedToken: null }];
  const byPattern = new Map<string, AddedTokenConfig>();
  for (const { pattern, token } of tokens) if (pattern.length > 0 && !byPattern.has(pattern)) byPattern.set(pattern, token);
  const alternatives = [...byPattern.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const pattern = new RegExp(alternatives.join('|'), 'gu');

  return (text) => {
    const segments: Segment[] = [];
    let cursor = 0;
    for (const match of text.matchAll(pattern)) {
      const addedToken = byPattern.get(match[0]) as AddedTokenConfig;
      let start = match.index;
      let end = start + match[0].length;
      if (addedToken.single_word) {
        const before = start === 0 ? '' : String.fromCodePoint(text.codePointAt(start - 1 - (/[\uDC00-\uDFFF]/.test(text[start - 1]) ? 1 : 0)) ?? 0);
        const after = end === text.length ? '' : String.fromCodePoint(text.codePointAt(end) ?? 0);
        if ((before && isWordChar(before)) || (after && isWordChar(after))) continue;
      }
      if (addedToken.lstrip) {
        while (start > cursor && isWhitespace(text[start - 1])) start--;
      }
      if (addedToken.rstrip) while (end < text.length && isWhitespace(text[end])) end++;
      if (start > cursor) segments.push({ start: cursor, end: start, addedToken: null });
      segments.push({ start, end, addedToken });
      cursor = end;
    }
    if (cursor < text.length) segments.push({ start: cursor, end: text.length, addedToken: null });
    return segments;
  };
}
