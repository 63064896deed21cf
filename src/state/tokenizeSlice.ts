import type { StateCreator } from 'zustand';
import type { AppState } from './store';
import type { Encoding } from '../tokenizers/tokenizer';
import type { TokenizerFacts } from '../tokenizers/protocol';
import { resolveTokenizer, tokenizerClient } from '../engine/tokenizers';

export const BUILTIN_TOKENIZERS = ['bert-base-uncased', 'gpt2'] as const;
export const DEFAULT_TEXT = 'I love learning about transformers.';

export type TokenDisplay = 'raw' | 'decoded';

/** Texts longer than this are tokenized in windows whose results stream in (and the editor shows a preview). */
export const LONG_TEXT = 20_000;
/** Characters per window: about 2,500 tokens, a few milliseconds for the page to receive. */
export const WINDOW = 8_000;
/** The end of each window that the next window reads again: tokens ending there may depend on the text cut off. */
const WINDOW_MARGIN = 1_000;
/** Streamed results reach the store (and a render) at most this often. */
const STREAM_FLUSH_MS = 150;

export interface TokenCounts {
  tokens: number;
  /** Tokens that are not special ([CLS], [SEP], <s> …). */
  content: number;
  /** `[UNK]` tokens. */
  unknown: number;
}

export interface TokenizeResult {
  /**
   * The tokens the chips and the source text show: all of them for a short text, the first window's for a long one
   * (it stays the same object while the rest streams in).
   */
  encoding?: Encoding;
  /** Every token's id so far (all of them once `pending` is false). */
  ids?: number[];
  counts?: TokenCounts;
  /** Characters of the text tokenized so far. */
  doneChars?: number;
  error?: string;
  ms?: number;
  /** Byte-level BPE (GPT-2 style): tokens stand for bytes, shown decoded as UTF-8 or hex. */
  byteLevel?: boolean;
  vocabularySize?: number;
  /** Where the tokenizer came from (a tokenizer.json URL, or vocab files and the converter used). */
  builtFrom?: string;
  pending: boolean;
}

export interface TokenizeSlice {
  text: string;
  /** Tokenizers shown side by side: built-in names, Hub ids or URLs. */
  tokenizerNames: string[];
  results: Record<string, TokenizeResult>;
  tokenDisplay: TokenDisplay;
  setText: (text: string) => void;
  addTokenizer: (name: string) => void;
  removeTokenizer: (name: string) => void;
  setTokenDisplay: (display: TokenDisplay) => void;
  /** Tokenizes `text` with every shown tokenizer (in the worker; long texts window by window); stale replies are dropped. */
  retokenize: () => Promise<void>;
}

type Reply = Encoding & TokenizerFacts & { elapsedMs: number };

/** Counts tokens [from, to) of `encoding` into `counts`. */
function countTokens(encoding: Encoding, from: number, to: number, counts: TokenCounts): TokenCounts {
  for (let i = from; i < to; i++) {
    counts.tokens++;
    if (!encoding.special[i]) counts.content++;
    if (encoding.tokens[i] === '[UNK]') counts.unknown++;
  }
  return counts;
}

const isTemplateToken = (encoding: Encoding, i: number) => encoding.special[i] && encoding.offsets[i][0] === 0 && encoding.offsets[i][1] === 0;
const isSpace = (char: string | undefined) => char !== undefined && /\s/.test(char);

/**
 * Where the next window starts: before the last token, at most `limit` characters into the window, that begins a word
 * (its word id is new) at whitespace — the window starts at that whitespace (the token's own leading space, or the
 * space before a token whose offsets leave it out). The pre-tokenizers (whitespace and punctuation, byte-level regexes,
 * Metaspace) always split there and read a word the same with or without the text before it, so the window cuts the
 * text as the whole text is cut; tokens past `limit` may depend on text beyond the window and are read again.
 * Undefined when no token qualifies (a tokenizer without words, such as a Prepend normalizer with no pre-tokenizer).
 */
function windowCut(encoding: Encoding, window: string, limit: number): { index: number; at: number } | undefined {
  for (let i = encoding.ids.length - 1; i > 0; i--) {
    const [start, end] = encoding.offsets[i];
    if (encoding.special[i] || start === end || start <= 1 || start > limit) continue;
    const word = encoding.wordIds[i];
    if (word === null || word === encoding.wordIds[i - 1] || encoding.offsets[i - 1][1] > start) continue;
    if (isSpace(window[start])) return { index: i, at: start };
    if (isSpace(window[start - 1]) && encoding.offsets[i - 1][1] <= start - 1) return { index: i, at: start - 1 };
  }
  return undefined;
}

/** Tokens [0, to) of an encoding. */
function headOf(encoding: Encoding, to: number): Encoding {
  const { ids, tokens, offsets, special, typeIds, wordIds } = encoding;
  return { ids: ids.slice(0, to), tokens: tokens.slice(0, to), offsets: offsets.slice(0, to), special: special.slice(0, to), typeIds: typeIds.slice(0, to), wordIds: wordIds.slice(0, to) };
}

function joined(a: Encoding, b: Encoding): Encoding {
  return { ids: [...a.ids, ...b.ids], tokens: [...a.tokens, ...b.tokens], offsets: [...a.offsets, ...b.offsets], special: [...a.special, ...b.special], typeIds: [...a.typeIds, ...b.typeIds], wordIds: [...a.wordIds, ...b.wordIds] };
}

/**
 * Tokenizes a long text window by window, calling `onPart` after each window: every id so far (the same as one call
 * on the whole text gives), the counts, and the first window's tokens to show. The page never receives the whole
 * encoding in one message (300,000 tokens take the main thread half a second to receive) and keeps only ids of what
 * it does not show. `stale` stops the work when a newer text supersedes it.
 */
export async function tokenizeInWindows(text: string, tokenize: (text: string, addSpecialTokens: boolean) => Promise<Reply>, onPart: (part: Omit<TokenizeResult, 'pending'>, done: boolean) => void, stale: () => boolean) {
  const ids: number[] = [];
  const counts: TokenCounts = { tokens: 0, content: 0, unknown: 0 };
  let head: Encoding | undefined;
  let suffix: { reply: Reply; from: number } | undefined;
  let start = 0;
  let ms = 0;
  const take = (reply: Reply, from: number, to: number) => {
    for (let i = from; i < to; i++) ids.push(reply.ids[i]);
    countTokens(reply, from, to, counts);
  };
  for (let first = true; ; first = false) {
    const whole = first ? text.length <= LONG_TEXT : text.length - start <= WINDOW;
    const window = text.slice(start, whole ? text.length : start + WINDOW);
    const reply = await tokenize(window, first);
    if (stale()) return;
    ms += reply.elapsedMs;
    let from = 0;
    let to = reply.ids.length;
    if (first) {
      // The template's own tokens ([CLS] … [SEP]): the prefix once here, the suffix once at the very end.
      while (from < to && isTemplateToken(reply, from)) from++;
      while (to > from && isTemplateToken(reply, to - 1)) to--;
      take(reply, 0, from);
      suffix = { reply, from: to };
    }
    const cut = whole ? undefined : windowCut(reply, window, window.length - WINDOW_MARGIN);
    const last = whole || cut === undefined;
    if (last && !whole) {
      // No safe place to cut: the rest of the text in one call (whose start is then what a first window shows).
      const rest = await tokenize(text.slice(start), false);
      if (stale()) return;
      ms += rest.elapsedMs;
      take(rest, 0, rest.ids.length);
      if (first) {
        let shown = 0;
        while (shown < rest.ids.length && rest.offsets[shown][0] < WINDOW) shown++;
        head = joined(headOf(reply, from), headOf(rest, shown));
      }
    } else {
      take(reply, from, cut?.index ?? to);
    }
    if (last) take(suffix!.reply, suffix!.from, suffix!.reply.ids.length);
    const facts = { ms, byteLevel: reply.byteLevel, vocabularySize: reply.vocabularySize, builtFrom: reply.builtFrom };
    const shown = { tokens: counts.tokens, content: counts.content, unknown: counts.unknown };
    if (last && first && whole) return onPart({ encoding: reply, ids, counts: shown, doneChars: text.length, ...facts }, true);
    head ??= headOf(reply, cut?.index ?? to);
    if (last) return onPart({ encoding: head, ids, counts: shown, doneChars: text.length, ...facts }, true);
    start += cut!.at;
    onPart({ encoding: head, ids, counts: shown, doneChars: start, ...facts }, false);
  }
}

let generation = 0;

export const createTokenizeSlice: StateCreator<AppState, [], [], TokenizeSlice> = (set, get) => ({
  text: DEFAULT_TEXT,
  tokenizerNames: [...BUILTIN_TOKENIZERS],
  results: {},
  tokenDisplay: 'raw',
  setText: (text) => set({ text }),
  addTokenizer: (name) => {
    const trimmed = name.trim();
    if (!trimmed || get().tokenizerNames.includes(trimmed)) return;
    set({ tokenizerNames: [...get().tokenizerNames, trimmed] });
  },
  removeTokenizer: (name) => set({ tokenizerNames: get().tokenizerNames.filter((n) => n !== name) }),
  setTokenDisplay: (tokenDisplay) => set({ tokenDisplay }),
  retokenize: async () => {
    const run = ++generation;
    const stale = () => run !== generation;
    const { text, tokenizerNames } = get();
    const pendingResults = Object.fromEntries(
      tokenizerNames.map((name) => [name, { ...get().results[name], pending: true, doneChars: 0 }]),
    );
    set({ results: pendingResults });
    // Window results are gathered and reach the store together, at most every STREAM_FLUSH_MS (one render for both
    // tokenizers); a finished result goes at once.
    let waiting: Record<string, TokenizeResult> = {};
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      clearTimeout(timer);
      timer = undefined;
      if (!stale() && Object.keys(waiting).length > 0) set({ results: { ...get().results, ...waiting } });
      waiting = {};
    };
    const update = (name: string, result: TokenizeResult) => {
      waiting[name] = result;
      if (!result.pending) flush();
      else timer ??= setTimeout(flush, STREAM_FLUSH_MS);
    };
    await Promise.all(
      tokenizerNames.map(async (name) => {
        const source = resolveTokenizer(name, get().hubEndpoint);
        const tokenize = (part: string, addSpecialTokens: boolean) => tokenizerClient().tokenize(part, source, addSpecialTokens ? undefined : { addSpecialTokens: false });
        try {
          await tokenizeInWindows(text, tokenize, (part, done) => update(name, { ...part, pending: !done }), stale);
        } catch (error) {
          update(name, { error: error instanceof Error ? error.message : String(error), pending: false });
        }
      }),
    );
  },
});
