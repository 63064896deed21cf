// The page's tokenizer worker and how a tokenizer name is resolved: a built-in name, a tokenizer.json URL, a
// folder URL, or a Hub id (whose files live at <endpoint>/<id>/resolve/main/: tokenizer.json, or vocab files).

import { createTokenizerClient, createTokenizerWorker, type TokenizerChoice, type TokenizerClient } from '../tokenizers/client';
import { isBuiltinTokenizerName } from '../tokenizers/sources';
import { hubBaseUrl } from '../weights/sources';

let client: TokenizerClient | undefined;

/** The worker-backed client, created on first use. */
export function tokenizerClient(): TokenizerClient {
  client ??= createTokenizerClient(createTokenizerWorker());
  return client;
}

export function resolveTokenizer(name: string, hubEndpoint: string): TokenizerChoice {
  if (isBuiltinTokenizerName(name) || /^(https?:|\.{0,2}\/)/.test(name)) return name;
  return { folder: hubBaseUrl(name, hubEndpoint) };
}
