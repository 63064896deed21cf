import { loadTokenizer, type TextTokenizer } from './tokenizer';

/** Tokenizers generated at install time into public/tokenizers/<name>/tokenizer.json. */
export const builtinTokenizerNames = ['bert-base-uncased', 'gpt2'] as const;
export type BuiltinTokenizerName = (typeof builtinTokenizerNames)[number];

export const isBuiltinTokenizerName = (value: string): value is BuiltinTokenizerName =>
  (builtinTokenizerNames as readonly string[]).includes(value);

/** Where a built-in tokenizer is served, relative to the page base (Vite `base: './'`). */
export function builtinTokenizerUrl(name: BuiltinTokenizerName, pageBase: string | URL = document.baseURI): URL {
  return new URL(`tokenizers/${name}/tokenizer.json`, pageBase);
}

/** Fetches a tokenizer.json; a dev server answers missing files with index.html, which is reported as not found. */
export async function fetchTokenizerJson(url: string | URL): Promise<unknown> {
  const response = await fetch(url);
  const body = await response.text();
  if (!response.ok || body.trimStart().startsWith('<')) {
    throw new Error(`Tokenizer file not found at ${url} (HTTP ${response.status}). Run \`npm install\` to generate it.`);
  }
  return JSON.parse(body);
}

export async function loadBertBaseUncased(pageBase?: string | URL): Promise<TextTokenizer> {
  return loadTokenizer(await fetchTokenizerJson(builtinTokenizerUrl('bert-base-uncased', pageBase)));
}

export async function loadGpt2(pageBase?: string | URL): Promise<TextTokenizer> {
  return loadTokenizer(await fetchTokenizerJson(builtinTokenizerUrl('gpt2', pageBase)));
}
