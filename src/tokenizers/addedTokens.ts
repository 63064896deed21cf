import { type AddedTokenConfig, UnsupportedTokenizerError } from './tokenizerJson';

/** A stretch [start, end) of a text: either one added token matched literally, or text to tokenize normally. */
export interface Segment {
  start: number;
  end: number;
  addedToken: AddedTokenConfig | null;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const isWhitespace = (char: string) => /^\p{White_Space}$/u.test(char);

/**
 * Finds added tokens (e.g. a literal "[MASK]" or "<|endoftext|>") as Hugging Face does: leftmost match, longest
 * first; `lstrip`/`rstrip` tokens swallow the whitespace beside them.
 */
export function createAddedTokenSplitter(tokens: AddedTokenConfig[]): (text: string) => Segment[] {
  const singleWord = tokens.find((token) => token.single_word);
  if (singleWord) throw new UnsupportedTokenizerError(`Added token "${singleWord.content}" uses single_word.`);
  if (tokens.length === 0) return (text) => [{ start: 0, end: text.length, addedToken: null }];

  const byContent = new Map(tokens.map((token) => [token.content, token]));
  const alternatives = [...byContent.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const pattern = new RegExp(alternatives.join('|'), 'gu');

  return (text) => {
    const segments: Segment[] = [];
    let cursor = 0;
    for (const match of text.matchAll(pattern)) {
      const addedToken = byContent.get(match[0]) as AddedTokenConfig;
      let start = match.index;
      let end = start + match[0].length;
      if (addedToken.lstrip) while (start > cursor && isWhitespace(text[start - 1])) start--;
      if (addedToken.rstrip) while (end < text.length && isWhitespace(text[end])) end++;
      if (start > cursor) segments.push({ start: cursor, end: start, addedToken: null });
      segments.push({ start, end, addedToken });
      cursor = end;
    }
    if (cursor < text.length) segments.push({ start: cursor, end: text.length, addedToken: null });
    return segments;
  };
}
