import { builtinTokenizerUrl, isBuiltinTokenizerName } from './builtins';
import type { KindSummary, TokenizerRequest, TokenizerResponse, TokenizerSource } from './protocol';
import type { Encoding } from './tokenizer';

/** The part of a Worker the client uses (a MessagePort fits too, which is how the tests drive it). */
export interface TokenizerPort {
  postMessage(message: TokenizerRequest): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<TokenizerResponse>) => void): void;
}

/** What a tokenize reply says besides the encoding. */
export interface TokenizerFacts {
  elapsedMs: number;
  vocabularySize: number;
  byteLevel: boolean;
}

/** A built-in name ('bert-base-uncased', 'gpt2'), a URL of a tokenizer.json, or a tokenizer.json object with a key. */
export type TokenizerChoice = string | { key: string; json: unknown };

export interface TokenizerClient {
  tokenize(text: string, tokenizer: TokenizerChoice): Promise<Encoding & TokenizerFacts>;
  decode(ids: number[], tokenizer: TokenizerChoice): Promise<string>;
  /** Word-level and character-level tokenizers built from `tokenizer`'s vocabulary, run on `text`. */
  kinds(text: string, tokenizer: TokenizerChoice): Promise<{ word: KindSummary; character: KindSummary }>;
}

type RequestBody = TokenizerRequest extends infer Request ? (Request extends unknown ? Omit<Request, 'id'> : never) : never;

export function createTokenizerWorker(): Worker {
  return new Worker(new URL('./tokenize.worker.ts', import.meta.url), { type: 'module', name: 'tokenizer' });
}

/** Promise-based requests to the tokenizer worker; built-in names resolve against `pageBase`. */
export function createTokenizerClient(port: TokenizerPort, pageBase: string | URL = document.baseURI): TokenizerClient {
  const pending = new Map<number, (response: TokenizerResponse) => void>();
  let nextId = 1;
  port.addEventListener('message', (event) => {
    pending.get(event.data.id)?.(event.data);
    pending.delete(event.data.id);
  });

  const toSource = (choice: TokenizerChoice): TokenizerSource => {
    if (typeof choice !== 'string') return choice;
    return { url: isBuiltinTokenizerName(choice) ? builtinTokenizerUrl(choice, pageBase).href : new URL(choice, pageBase).href };
  };

  function request(message: RequestBody): Promise<TokenizerResponse> {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, (response) => (response.ok ? resolve(response) : reject(new Error(response.error))));
      port.postMessage({ ...message, id });
    });
  }

  return {
    async tokenize(text, tokenizer) {
      const response = await request({ kind: 'tokenize', text, tokenizer: toSource(tokenizer) });
      if (response.ok && response.kind === 'tokenize') {
        const { encoding, elapsedMs, vocabularySize, byteLevel } = response;
        return { ...encoding, elapsedMs, vocabularySize, byteLevel };
      }
      throw new Error('Unexpected reply to a tokenize request.');
    },
    async decode(ids, tokenizer) {
      const response = await request({ kind: 'decode', ids, tokenizer: toSource(tokenizer) });
      if (response.ok && response.kind === 'decode') return response.text;
      throw new Error('Unexpected reply to a decode request.');
    },
    async kinds(text, tokenizer) {
      const response = await request({ kind: 'kinds', text, tokenizer: toSource(tokenizer) });
      if (response.ok && response.kind === 'kinds') return { word: response.word, character: response.character };
      throw new Error('Unexpected reply to a kinds request.');
    },
  };
}
