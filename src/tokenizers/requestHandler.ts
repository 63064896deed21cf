import { fetchTokenizerJson } from './builtins';
import type { TokenizerRequest, TokenizerResponse, TokenizerSource } from './protocol';
import { loadTokenizer, type TextTokenizer } from './tokenizer';

/** Answers tokenizer requests, loading each tokenizer once. The worker's body; testable without a Worker. */
export function createRequestHandler(fetchJson: (url: string) => Promise<unknown> = fetchTokenizerJson) {
  const tokenizers = new Map<string, Promise<TextTokenizer>>();

  function tokenizerFor(source: TokenizerSource): Promise<TextTokenizer> {
    const key = 'url' in source ? `url:${source.url}` : `key:${source.key}`;
    let tokenizer = tokenizers.get(key);
    if (!tokenizer) {
      tokenizer = 'url' in source ? fetchJson(source.url).then(loadTokenizer) : Promise.resolve().then(() => loadTokenizer(source.json));
      tokenizer.catch(() => tokenizers.delete(key));
      tokenizers.set(key, tokenizer);
    }
    return tokenizer;
  }

  return async (request: TokenizerRequest): Promise<TokenizerResponse> => {
    try {
      const tokenizer = await tokenizerFor(request.tokenizer);
      const started = performance.now();
      if (request.kind === 'tokenize') {
        const encoding = tokenizer.encode(request.text);
        return { id: request.id, ok: true, kind: 'tokenize', encoding, elapsedMs: performance.now() - started };
      }
      const text = tokenizer.decode(request.ids);
      return { id: request.id, ok: true, kind: 'decode', text, elapsedMs: performance.now() - started };
    } catch (error) {
      return { id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  };
}
