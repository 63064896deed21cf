import type { StateCreator } from 'zustand';
import type { AppState } from './store';
import type { Encoding } from '../tokenizers/tokenizer';
import { resolveTokenizer, tokenizerClient } from '../engine/tokenizers';

export const BUILTIN_TOKENIZERS = ['bert-base-uncased', 'gpt2'] as const;
export const DEFAULT_TEXT = 'I love learning about transformers.';

export type TokenDisplay = 'raw' | 'decoded';

export interface TokenizeResult {
  encoding?: Encoding;
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
  /** Tokenizes `text` with every shown tokenizer (in the worker); stale replies are dropped. */
  retokenize: () => Promise<void>;
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
    const { text, tokenizerNames } = get();
    const pendingResults = Object.fromEntries(
      tokenizerNames.map((name) => [name, { ...get().results[name], pending: true }]),
    );
    set({ results: pendingResults });
    await Promise.all(
      tokenizerNames.map(async (name) => {
        let result: TokenizeResult;
        try {
          const reply = await tokenizerClient().tokenize(text, resolveTokenizer(name, get().hubEndpoint));
          const { ids, tokens, offsets, special, typeIds, wordIds, elapsedMs, vocabularySize, byteLevel, builtFrom } = reply;
          result = { encoding: { ids, tokens, offsets, special, typeIds, wordIds }, ms: elapsedMs, vocabularySize, byteLevel, builtFrom, pending: false };
        } catch (error) {
          result = { error: error instanceof Error ? error.message : String(error), pending: false };
        }
        if (run === generation) set({ results: { ...get().results, [name]: result } });
      }),
    );
  },
});
