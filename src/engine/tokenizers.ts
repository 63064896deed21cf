// The page's tokenizer worker and how a tokenizer name is resolved: a built-in name, a tokenizer.json URL, or a
// Hub id (whose tokenizer.json lives at <endpoint>/<id>/resolve/main/tokenizer.json).

import { createTokenizerClient, createTokenizerWorker, type TokenizerChoice, type TokenizerClient } from '../tokenizers/client';
import { isBuiltinTokenizerName } from '../tokenizers/builtins';
import { hubBaseUrl, modelFileUrl } from '../weights/sources';

let client: TokenizerClient | undefined;

/** The worker-backed client, created on first use. */
export function tokenizerClient(): TokenizerClient {
  client ??= createTokenizerClient(createTokenizerWorker());
  return client;
}

export function resolveTokenizer(name: string, hubEndpoint: string): TokenizerChoice {
  if (isBuiltinTokenizerName(name) || /^(https?:|\.{0,2}\/)/.test(name)) return name;
  return modelFileUrl(hubBaseUrl(name, hubEndpoint), 'tokenizer.json');
}
