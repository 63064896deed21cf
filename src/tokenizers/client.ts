import type { KindSummary, TokenizeOptions, TokenizerFacts, TokenizerRequest, TokenizerResponse } from './protocol';
import { builtinTokenizerUrl, isBuiltinTokenizerName, type TokenizerSource } from './sources';
import type { DecodeOptions, Encoding } from './tokenizer';

/** The part of a Worker the client uses (a MessagePort fits too, which is how the tests drive it). */
export interface TokenizerPort {
  postMessage(message: TokenizerRequest): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<TokenizerResponse>) => void): void;
}

/**
 * A built-in name ('bert-base-uncased', 'gpt2'), a URL of a tokenizer.json, `{ folder }` for a model folder
 * (tokenizer.json or vocab files), or a tokenizer.json object with a key.
 */
export type TokenizerChoice = string | { folder: string } | { key: string; json: unknown };

export interface TokenizerClient {
  tokenize(text: string, tokenizer: TokenizerChoice, options?: TokenizeOptions): Promise<Encoding & TokenizerFacts & { elapsedMs: number }>;
  decode(ids: number[], tokenizer: TokenizerChoice, options?: DecodeOptions): Promise<string>;
  /** Word-level and character-level tokenizers built from `tokenizer`'s vocabulary, run on `text`. */
  kinds(text: string, tokenizer: TokenizerChoice): Promise<{ word: KindSummary; character: KindSummary; normalized: boolean }>;
}

type RequestBody = TokenizerRequest extends infer Request ? (Request extends unknown ? Omit<Request, 'id'> : never) : never;

export function createTokenizerWorker(): Worker {
  return new Worker(new URL('./tokenize.worker.ts', import.meta.url), { type: 'module', name: 'tokenizer' });
}

/** Promise-based requests to the tokenizer worker; built-in names and relative URLs resolve against `pageBase`. */
export function createTokenizerClient(port: TokenizerPort, pageBase: string | URL = document.baseURI): TokenizerClient {
  const pending = new Map<number, (response: TokenizerResponse) => void>();
  let nextId = 1;
  port.addEventListener('message', (event) => {
    pending.get(event.data.id)?.(event.data);
    pending.delete(event.data.id);
  });

  const toSource = (choice: TokenizerChoice): TokenizerSource => {
    if (typeof choice !== 'string') return choice;
    if (isBuiltinTokenizerName(choice)) return { url: builtinTokenizerUrl(choice, pageBase).href, builtin: true };
    const url = new URL(choice, pageBase).href;
    return /\.json(\?.*)?$/.test(url) ? { url } : { folder: url };
  };

  function request(message: RequestBody): Promise<TokenizerResponse> {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, (response) => (response.ok ? resolve(response) : reject(new Error(response.error))));
      port.postMessage({ ...message, id });
    });
  }

  return {
    async tokenize(text, tokenizer, options) {
      const response = await request({ kind: 'tokenize', text, tokenizer: toSource(tokenizer), options });
      if (response.ok && response.kind === 'tokenize') {
        const { encoding, elapsedMs, vocabularySize, byteLevel, builtFrom, modelMaxLength } = response;
        return { ...encoding, elapsedMs, vocabularySize, byteLevel, builtFrom, modelMaxLength };
      }
      throw new Error('Unexpected reply to a tokenize request.');
    },
    async decode(ids, tokenizer, options) {
      const response = await request({ kind: 'decode', ids, tokenizer: toSource(tokenizer), options });
      if (response.ok && response.kind === 'decode') return response.text;
      throw new Error('Unexpected reply to a decode request.');
    },
    async kinds(text, tokenizer) {
      const response = await request({ kind: 'kinds', text, tokenizer: toSource(tokenizer) });
      if (response.ok && response.kind === 'kinds') return { word: response.word, character: response.character, normalized: response.normalized };
      throw new Error('Unexpected reply to a kinds request.');
    },
  };
}
