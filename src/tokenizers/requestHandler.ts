import { fetchTokenizerJson } from './builtins';
import type { TokenizerRequest, TokenizerResponse, TokenizerSource } from './protocol';
import { loadTokenizer, type TextTokenizer } from './tokenizer';
import { SimpleTokenizer, type SimpleEncoding } from './simpleTokenizers';

const SAMPLE_TOKENS = 16;

function summarize(encoding: SimpleEncoding) {
  const { vocabularySize, sequenceLength, unknownCount } = encoding;
  return { vocabularySize, sequenceLength, unknownCount, sample: encoding.tokens.slice(0, SAMPLE_TOKENS) };
}

/** Answers tokenizer requests, loading each tokenizer once. The worker's body; testable without a Worker. */
export function createRequestHandler(fetchJson: (url: string) => Promise<unknown> = fetchTokenizerJson) {
  const tokenizers = new Map<string, Promise<TextTokenizer>>();
  const simpleTokenizers = new WeakMap<TextTokenizer, ReturnType<typeof SimpleTokenizer.fromSubwordVocabulary>>();

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
        const { vocabSize: vocabularySize, byteLevel } = tokenizer;
        return { id: request.id, ok: true, kind: 'tokenize', encoding, vocabularySize, byteLevel, elapsedMs: performance.now() - started };
      }
      if (request.kind === 'kinds') {
        let simple = simpleTokenizers.get(tokenizer);
        if (!simple) simpleTokenizers.set(tokenizer, (simple = SimpleTokenizer.fromSubwordVocabulary(tokenizer.vocabulary())));
        // The built-in vocabularies are uncased; the word splitter lowercases, the character splitter does not.
        const word = summarize(simple.word.encode(request.text));
        const character = summarize(simple.character.encode(request.text.toLowerCase()));
        return { id: request.id, ok: true, kind: 'kinds', word, character, elapsedMs: performance.now() - started };
      }
      const text = tokenizer.decode(request.ids);
      return { id: request.id, ok: true, kind: 'decode', text, elapsedMs: performance.now() - started };
    } catch (error) {
      return { id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) };
    }
  };
}
