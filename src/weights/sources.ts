// Where a model's files come from: a Hugging Face Hub id, any http(s) folder with the same files, or files the
// user picked or dropped. Downloads stream with progress and land in the browser cache, so a reload is instant.

import { downloadFile, FileNotFoundError, type FetchFunction } from './download';
import { WeightsError } from './errors';
import { openBrowserCache, type ByteCache } from './model-cache';
import { readStream } from './read-stream';
import { SafetensorsFile } from './safetensors';
import type { TensorSource } from './tensor-source';

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

export type ModelFileName = 'config.json' | 'model.safetensors' | 'tokenizer.json';

export type ModelSource =
  | { kind: 'hub'; id: string; endpoint?: string; revision?: string }
  | { kind: 'url'; baseUrl: string }
  | { kind: 'files'; files: readonly File[] };

export interface FileProgress {
  file: ModelFileName;
  loaded: number; // bytes
  total: number | null; // bytes, null until known (or when the server compresses)
  done: boolean;
  fromCache: boolean;
}

export interface LoadProgress {
  files: FileProgress[];
  loaded: number; // bytes, all files
  total: number | null; // bytes, all files, once every file's size is known
  percent: number | null; // 0..100, once `total` is known
}

export interface LoadOptions {
  fetch?: FetchFunction; // default: globalThis.fetch
  cache?: ByteCache | null; // default: the browser's Cache API where available; null: no cache
  onProgress?: (progress: LoadProgress) => void;
  /** config.json as soon as it is parsed, while the weights still download (a memory estimate can come first). */
  onConfig?: (config: unknown) => void;
  signal?: AbortSignal;
}

/** The model's files, checked to be what they claim: JSON parsed, safetensors header valid. */
export interface ModelFiles {
  source: string; // where they came from, in words
  config: unknown; // parsed config.json
  weights: TensorSource; // the checkpoint's tensors (model.safetensors today)
  tokenizer: unknown | null; // parsed tokenizer.json, null when the source has none
}

const HUB_ID = /^[\w.-]+(\/[\w.-]+)?$/;

export function hubBaseUrl(id: string, endpoint = DEFAULT_HUB_ENDPOINT, revision = 'main'): string {
  if (!HUB_ID.test(id)) {
    throw new WeightsError(`"${id}" is not a Hugging Face model id (expected "name" or "organisation/name")`);
  }
  return `${endpoint.replace(/\/+$/, '')}/${id}/resolve/${encodeURIComponent(revision)}`;
}

export function modelFileUrl(baseUrl: string, file: ModelFileName): string {
  return `${baseUrl.replace(/\/+$/, '')}/${file}`;
}

function baseUrlOf(source: Exclude<ModelSource, { kind: 'files' }>): string {
  return source.kind === 'hub' ? hubBaseUrl(source.id, source.endpoint, source.revision) : source.baseUrl;
}

export function describeSource(source: ModelSource): string {
  if (source.kind === 'hub') return `${source.id} on ${source.endpoint ?? DEFAULT_HUB_ENDPOINT}`;
  if (source.kind === 'url') return source.baseUrl;
  return `local files (${source.files.map((file) => file.name).join(', ')})`;
}

/** config.json and model.safetensors are required; tokenizer.json is optional (null when absent). */
export async function loadModelFiles(source: ModelSource, options: LoadOptions = {}): Promise<ModelFiles> {
  const progress = new ProgressTracker(['config.json', 'model.safetensors', 'tokenizer.json'], options.onProgress);
  const read =
    source.kind === 'files'
      ? localReader(source.files, progress, options.signal)
      : await remoteReader(baseUrlOf(source), progress, options);
  const [config, weights, tokenizer] = await Promise.all([
    read('config.json', parseJsonFile).then((config) => {
      options.onConfig?.(config);
      return config;
    }),
    read('model.safetensors', (bytes, file) => SafetensorsFile.parse(bytes, file)),
    read('tokenizer.json', parseJsonFile).catch((error: unknown) => {
      if (!(error instanceof FileNotFoundError)) throw error;
      progress.forget('tokenizer.json');
      return null;
    }),
  ]);
  return { source: describeSource(source), config, weights, tokenizer };
}

/** Reads one file and decodes it; the decoder throws when the bytes are not the file they should be. */
type FileReader = <T>(file: ModelFileName, decode: (bytes: Uint8Array, file: string, where: string) => T) => Promise<T>;

async function remoteReader(baseUrl: string, progress: ProgressTracker, options: LoadOptions): Promise<FileReader> {
  const fetch = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
  const cache = options.cache === undefined ? await openBrowserCache() : options.cache;
  return async (file, decode) => {
    const url = modelFileUrl(baseUrl, file);
    const cached = await cache?.get(url);
    if (cached) {
      progress.update(file, cached.length, cached.length, { done: true, fromCache: true });
      return decode(cached, file, url);
    }
    const { bytes, contentType } = await downloadFile({
      file,
      url,
      fetch,
      signal: options.signal,
      onProgress: (loaded, total) => progress.update(file, loaded, total),
    });
    const decoded = decode(bytes, file, url);
    progress.update(file, bytes.length, bytes.length, { done: true });
    await cache?.put(url, bytes, contentType || 'application/octet-stream');
    return decoded;
  };
}

function localReader(files: readonly File[], progress: ProgressTracker, signal?: AbortSignal): FileReader {
  return async (file, decode) => {
    const picked = pickByBasename(files, file);
    const where = picked.webkitRelativePath || picked.name;
    progress.update(file, 0, picked.size);
    const bytes = await readStream(picked.stream(), picked.size, (loaded) => {
      signal?.throwIfAborted();
      progress.update(file, loaded, picked.size);
    });
    const decoded = decode(bytes, file, where);
    progress.update(file, bytes.length, bytes.length, { done: true });
    return decoded;
  };
}

/** The chosen file with that name; among several (a dropped folder tree), the least deeply nested. */
function pickByBasename(files: readonly File[], name: ModelFileName): File {
  const depth = (file: File) => (file.webkitRelativePath || file.name).split('/').length;
  const matches = files.filter((file) => file.name === name).sort((a, b) => depth(a) - depth(b));
  if (matches.length > 0) return matches[0];
  const chosen = files.length > 0 ? files.map((file) => file.name).join(', ') : 'none';
  throw new FileNotFoundError(name, 'the chosen files', `chosen: ${chosen}`);
}

function parseJsonFile(bytes: Uint8Array, file: string, where: string): unknown {
  const text = new TextDecoder().decode(bytes);
  try {
    return JSON.parse(text);
  } catch (error) {
    if (text.trimStart().startsWith('<')) {
      throw new FileNotFoundError(file, where, 'the server answered with an HTML page, not JSON');
    }
    throw new WeightsError(`${file} at ${where} is not valid JSON (${(error as Error).message})`, file);
  }
}

/** Per-file and overall progress; the overall total is known once every expected file has announced its size. */
class ProgressTracker {
  private readonly files = new Map<ModelFileName, FileProgress>();

  constructor(
    expected: readonly ModelFileName[],
    private readonly listener?: (progress: LoadProgress) => void,
  ) {
    for (const file of expected) this.files.set(file, { file, loaded: 0, total: null, done: false, fromCache: false });
  }

  update(
    file: ModelFileName,
    loaded: number,
    size: number | null,
    flags: { done?: boolean; fromCache?: boolean } = {},
  ): void {
    this.files.set(file, { file, loaded, total: size, done: flags.done ?? false, fromCache: flags.fromCache ?? false });
    this.report();
  }

  /** An optional file the source does not have. */
  forget(file: ModelFileName): void {
    this.files.delete(file);
    this.report();
  }

  private report(): void {
    if (!this.listener) return;
    const files = [...this.files.values()];
    const loaded = files.reduce((sum, entry) => sum + entry.loaded, 0);
    const sizes = files.map((entry) => entry.total);
    const total = sizes.every((size) => size !== null) ? sizes.reduce<number>((sum, size) => sum + size, 0) : null;
    const percent = total === null ? null : total === 0 ? 100 : (100 * loaded) / total;
    this.listener({ files, loaded, total, percent });
  }
}
