import type { TokenizeOptions, TokenizerRequest, TokenizerResponse, TokenizerSource } from './protocol';
import { SimpleTokenizer, type SimpleEncoding } from './simpleTokenizers';
import { fetchFile, type FetchFile, type LoadedTokenizer, loadTokenizerFolder, loadTokenizerUrl } from './sources';
import { tokenizerFromFiles } from './fromFiles';
import type { EncodeOptions, TextTokenizer } from './tokenizer';
import { TokenizerFileError, UnsupportedTokenizerError } from './tokenizerJson';

const SAMPLE_TOKENS = 16;

function summarize(encoding: SimpleEncoding) {
  const { vocabularySize, sequenceLength, unknownCount } = encoding;
  return { vocabularySize, sequenceLength, unknownCount, sample: encoding.tokens.slice(0, SAMPLE_TOKENS) };
}

/** Internal errors of a library or the runtime, put in words a person can act on. */
export function describeError(error: unknown, what: string): string {
  if (error instanceof TokenizerFileError || error instanceof UnsupportedTokenizerError || error instanceof RangeError) return error.message;
  if (error instanceof Error && !(error instanceof TypeError || error instanceof SyntaxError || error instanceof ReferenceError)) return error.message;
  return `Could not ${what}: the tokenizer files are malformed (${error instanceof Error ? error.name : 'unknown error'}).`;
}

function toEncodeOptions(options: Omit<TokenizeOptions, 'pair'>, modelMaxLength: number | null): EncodeOptions {
  const length = () => {
    const maxLength = options.maxLength ?? modelMaxLength;
    if (maxLength === null) throw new RangeError(`${options.truncation ? 'Truncation' : 'Padding to max_length'} needs maxLength: this tokenizer's files give no model_max_length.`);
    return maxLength;
  };
  return {
    addSpecialTokens: options.addSpecialTokens,
    ...(options.truncation ? { truncation: { maxLength: length(), strategy: options.truncation } } : {}),
    ...(options.padding === 'max_length' ? { padding: { length: length() } } : options.padding === 'longest' ? { padding: { length: 0 } } : {}),
  };
}

/** Answers tokenizer requests, loading each tokenizer once. The worker's body; testable without a Worker. */
export function createRequestHandler(fetch: FetchFile = fetchFile) {
  const tokenizers = new Map<string, Promise<LoadedTokenizer>>();
  const simpleTokenizers = new WeakMap<TextTokenizer, ReturnType<typeof SimpleTokenizer.fromSubwordVocabulary>>();

  function tokenizerFor(source: TokenizerSource): Promise<LoadedTokenizer> {
    const key = 'url' in source ? `url:${source.url}` : 'folder' in source ? `folder:${source.folder}` : `key:${source.key}`;
    let loaded = tokenizers.get(key);
    if (!loaded) {
      loaded = 'url' in source
        ? loadTokenizerUrl(source.url, source.builtin ?? false, fetch)
        : 'folder' in source
          ? loadTokenizerFolder(source.folder, fetch)
          : Promise.resolve().then(() => ({ ...tokenizerFromFiles({ tokenizerJson: source.json }), builtFrom: `tokenizer.json (${source.key})` }));
      loaded.catch(() => tokenizers.delete(key));
      tokenizers.set(key, loaded);
    }
    return loaded;
  }

  return async (request: TokenizerRequest): Promise<TokenizerResponse> => {
    let stage = 'load the tokenizer';
    try {
      const { tokenizer, builtFrom, modelMaxLength } = await tokenizerFor(request.tokenizer);
      const started = performance.now();
      if (request.kind === 'tokenize') {
        stage = 'tokenize';
        const { pair, ...options } = request.options ?? {};
        const encodeOptions = toEncodeOptions(options, modelMaxLength);
        const encoding = pair === undefined ? tokenizer.encode(request.text, encodeOptions) : tokenizer.encodePair(request.text, pair, encodeOptions);
        const { vocabSize: vocabularySize, byteLevel } = tokenizer;
        return { id: request.id, ok: true, kind: 'tokenize', encoding, vocabularySize, byteLevel, builtFrom, modelMaxLength, elapsedMs: performance.now() - started };
      }
      if (request.kind === 'kinds') {
        stage = 'compare word and character tokens';
        let simple = simpleTokenizers.get(tokenizer);
        if (!simple) simpleTokenizers.set(tokenizer, (simple = SimpleTokenizer.fromSubwordVocabulary(tokenizer.vocabulary())));
        // Words and characters are looked up after the subword tokenizer's own normalizer (BERT uncased:
        // lowercase, accents stripped), so "café" is the vocabulary's "cafe" in all three rows.
        const normalizedText = tokenizer.normalizeText(request.text);
        const word = summarize(simple.word.encode(normalizedText));
        const character = summarize(simple.character.encode(normalizedText));
        return { id: request.id, ok: true, kind: 'kinds', word, character, normalized: normalizedText !== request.text, elapsedMs: performance.now() - started };
      }
      stage = 'decode';
      const text = tokenizer.decode(request.ids, request.options);
      return { id: request.id, ok: true, kind: 'decode', text, elapsedMs: performance.now() - started };
    } catch (error) {
      return { id: request.id, ok: false, error: describeError(error, stage) };
    }
  };
}
