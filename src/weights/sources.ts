// Where a model's files come from: a Hugging Face Hub id (at a revision, with an access token), any http(s) folder
// with the same files, or files the user picked or dropped. Whatever the source, the same formats load: one
// model.safetensors, shards behind model.safetensors.index.json, pytorch_model.bin or its shards (safetensors first
// when both exist), and tokenizer.json or the vocabulary files older repos publish instead.
//
// Order of a load: (Hub) the model info -> the commit and the file list; config.json, handed to `onConfig` before
// anything else is requested (a refused config costs no weight download); then weights and tokenizer files in
// parallel, streamed with progress, resumed when a connection drops, kept in the browser cache by commit.

import { formatBytes } from '../common/format';
import { downloadFile, FileNotFoundError, NetworkError, type FetchFunction, type RetryPolicy } from './download';
import { WeightsError } from './errors';
import {
  checkHubId,
  checkRevision,
  DEFAULT_HUB_ENDPOINT,
  explainHubStatus,
  fetchRepoInfo,
  hubBaseUrl,
  hubHeaders,
  parseRepoInfo,
  repoInfoUrl,
  type HubRepo,
  type RepoInfo,
} from './hub';
import {
  CacheWriteError,
  openBrowserCache,
  REVISION_INFO,
  storageFigures,
  type ByteCache,
  type CachedFileMeta,
  type StorageFigures,
} from './model-cache';
import { TorchCheckpoint } from './pytorch-bin';
import { readStream } from './read-stream';
import { SafetensorsFile } from './safetensors';
import { parseShardIndex, PYTORCH_INDEX, SAFETENSORS_INDEX, ShardedTensorSource } from './shards';
import type { TensorSource } from './tensor-source';

export { DEFAULT_HUB_ENDPOINT, hubBaseUrl, parseHubId } from './hub';

/** A file of a model repo, by its path in the repo ("config.json", "model-00001-of-00002.safetensors"). */
export type ModelFileName = string;

export type ModelSource =
  /** `token` is sent only to the endpoint's origin (in an Authorization header), never put in a URL or a cache key. */
  | { kind: 'hub'; id: string; endpoint?: string; revision?: string; token?: string }
  /** `files`: the folder's files when known (the embedded models): nothing else is asked for, so nothing 404s. */
  | { kind: 'url'; baseUrl: string; files?: readonly string[] }
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
  /** Things the person should know about this load (offline copy used, a file that could not be cached, …). */
  notices: string[];
}

export interface LoadOptions {
  fetch?: FetchFunction; // default: globalThis.fetch
  cache?: ByteCache | null; // default: the browser's Cache API where available; null: no cache
  onProgress?: (progress: LoadProgress) => void;
  /**
   * config.json as soon as it is parsed, before any other file is requested. Throwing (or aborting `signal`)
   * refuses the model: the load rejects with that error and requests nothing more.
   */
  onConfig?: (config: unknown) => void | Promise<void>;
  signal?: AbortSignal;
  retry?: RetryPolicy; // resuming dropped transfers (default: 5 attempts without progress, 0.5 s doubling to 8 s)
  storage?: () => Promise<StorageFigures>; // for quota messages; default navigator.storage
}

/** The vocabulary files of a repo without tokenizer.json (JSON parsed, text as strings); each one optional. */
export interface TokenizerFiles {
  tokenizerJson?: unknown; // tokenizer.json
  tokenizerConfig?: unknown; // tokenizer_config.json
  vocabTxt?: string; // vocab.txt (WordPiece)
  vocabJson?: unknown; // vocab.json (byte-level BPE)
  mergesTxt?: string; // merges.txt
  specialTokensMap?: unknown; // special_tokens_map.json
  addedTokens?: unknown; // added_tokens.json
}

/** The model's files, checked to be what they claim: JSON parsed, checkpoint headers valid. */
export interface ModelFiles {
  source: string; // where they came from, in words (never the token)
  config: unknown; // parsed config.json
  /** The checkpoint's tensors, converted to f32 one at a time when asked; `release` them once uploaded. */
  weights: TensorSource;
  /** The files the weights came from: one checkpoint, or an index and its shards. */
  weightFiles: string[];
  tokenizer: unknown | null; // parsed tokenizer.json, null when the source has none
  /** tokenizer.json and tokenizer_config.json when present; the vocabulary files when there is no tokenizer.json. */
  tokenizerFiles: TokenizerFiles;
  /** Hub sources: the revision asked for and the commit it resolved to. */
  revision: { requested: string; commit: string } | null;
  notices: string[];
}

/** Weight files in the order they are preferred (safetensors over pickles). */
export const WEIGHT_FILES = ['model.safetensors', SAFETENSORS_INDEX, 'pytorch_model.bin', PYTORCH_INDEX] as const;

const TOKENIZER_CONFIG = 'tokenizer_config.json';
const VOCAB_FILES = {
  vocabTxt: 'vocab.txt',
  vocabJson: 'vocab.json',
  mergesTxt: 'merges.txt',
  specialTokensMap: 'special_tokens_map.json',
  addedTokens: 'added_tokens.json',
} as const;

export function modelFileUrl(baseUrl: string, file: ModelFileName): string {
  return `${baseUrl.replace(/\/+$/, '')}/${file.split('/').map(encodeURIComponent).join('/')}`;
}

export function describeSource(source: ModelSource): string {
  if (source.kind === 'hub') {
    const revision = source.revision && source.revision !== 'main' ? `@${source.revision}` : '';
    return `${source.id}${revision} on ${source.endpoint ?? DEFAULT_HUB_ENDPOINT}`;
  }
  if (source.kind === 'url') return source.baseUrl;
  return `local files (${source.files.map((file) => file.name).join(', ')})`;
}

/** config.json and the weights are required; tokenizer files are optional. */
export async function loadModelFiles(source: ModelSource, options: LoadOptions = {}): Promise<ModelFiles> {
  const notices: string[] = [];
  const progress = new ProgressTracker(options.onProgress, notices);
  // One signal for every request of this load: the caller's, or the first failure (which stops the others at once).
  const stop = new AbortController();
  const onAbort = () => stop.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) onAbort();
  const context: LoadContext = { options, progress, notices, signal: stop.signal };
  try {
    const provider =
      source.kind === 'files'
        ? localProvider(source.files, context)
        : source.kind === 'url'
          ? await urlProvider(source.baseUrl, source.files, context)
          : await hubProvider(source, context);
    const config = await readFile(provider, 'config.json', parseJsonFile, context);
    await options.onConfig?.(config);
    stop.signal.throwIfAborted();
    const [weights, tokenizerFiles] = await Promise.all([
      readWeights(provider, context).catch(stopOthers(stop)),
      readTokenizerFiles(provider, context).catch(stopOthers(stop)),
    ]);
    return {
      source: describeSource(source),
      config,
      weights: weights.source,
      weightFiles: weights.files,
      tokenizer: tokenizerFiles.tokenizerJson ?? null,
      tokenizerFiles,
      revision: provider.revision,
      notices,
    };
  } catch (error) {
    stop.abort(error);
    throw options.signal?.aborted ? options.signal.reason : error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
}

function stopOthers(stop: AbortController): (error: unknown) => never {
  return (error) => {
    stop.abort(error);
    throw error;
  };
}

interface LoadContext {
  options: LoadOptions;
  progress: ProgressTracker;
  notices: string[];
  signal: AbortSignal;
}

/** A file's bytes and, once they proved to be what they claim, a way to keep them in the cache. */
interface FetchedFile {
  bytes: Uint8Array;
  where: string; // the URL or path, for messages
  fromCache: boolean;
  keep(): Promise<void>;
}

interface FileProvider {
  /** The files the source has, with sizes, when it can list them (the Hub, local files); null: ask for each. */
  listing: ReadonlyMap<string, number | null> | null;
  revision: ModelFiles['revision'];
  /** Throws a FileNotFoundError for a file the source does not have. */
  fetch(file: string): Promise<FetchedFile>;
}

type Decoder<T> = (bytes: Uint8Array, file: string, where: string) => T | Promise<T>;

async function readFile<T>(provider: FileProvider, file: string, decode: Decoder<T>, context: LoadContext): Promise<T> {
  context.signal.throwIfAborted();
  context.progress.expect(file, provider.listing?.get(file) ?? null);
  const fetched = await provider.fetch(file);
  const decoded = await decode(fetched.bytes, file, fetched.where);
  context.progress.update(file, fetched.bytes.length, fetched.bytes.length, { done: true, fromCache: fetched.fromCache });
  await fetched.keep();
  return decoded;
}

/** null when the source does not have the file: known from its listing, or a 404 (then nothing is reported). */
async function readOptional<T>(provider: FileProvider, file: string, decode: Decoder<T>, context: LoadContext): Promise<T | null> {
  if (provider.listing && !provider.listing.has(file)) return null;
  try {
    return await readFile(provider, file, decode, context);
  } catch (error) {
    if (!(error instanceof FileNotFoundError)) throw error;
    context.progress.forget(file);
    return null;
  }
}

async function readWeights(provider: FileProvider, context: LoadContext): Promise<{ source: TensorSource; files: string[] }> {
  const candidates = provider.listing ? WEIGHT_FILES.filter((file) => provider.listing?.has(file)) : [...WEIGHT_FILES];
  if (candidates.length === 0) throw noWeightsError(provider, context);
  for (const file of candidates) {
    if (file.endsWith('.index.json')) {
      const index = await readOptional(provider, file, (bytes, name, where) => parseShardIndex(parseJsonFile(bytes, name, where), name), context);
      if (!index) continue;
      for (const shard of index.shards) context.progress.expect(shard, provider.listing?.get(shard) ?? null);
      const shards = await Promise.all(
        index.shards.map(async (shard) => {
          if (provider.listing && !provider.listing.has(shard)) {
            throw new WeightsError(`${file} names the shard ${shard}, which the repo does not have`, shard);
          }
          return [shard, await readFile(provider, shard, parseWeightsFile, context)] as const;
        }),
      );
      return { source: new ShardedTensorSource(index, new Map(shards)), files: [file, ...index.shards] };
    }
    const weights = await readOptional(provider, file, parseWeightsFile, context);
    if (weights) return { source: weights, files: [file] };
  }
  throw noWeightsError(provider, context);
}

function noWeightsError(provider: FileProvider, context: LoadContext): WeightsError {
  const looked = `looked for ${WEIGHT_FILES.join(', ')}`;
  if (!provider.listing) return new FileNotFoundError(WEIGHT_FILES[0], context.progress.where, `no weights: ${looked}`);
  const present = [...provider.listing.keys()];
  const others = present.filter((file) => /\.(h5|msgpack|onnx|gguf|ckpt|pt|pth|safetensors|bin)$/.test(file));
  const has = (others.length > 0 ? others : present).slice(0, 12).join(', ') || 'no files';
  return new WeightsError(`${context.progress.where} has no weights this app reads (${looked}); it has: ${has}`);
}

/** A checkpoint file by its name: safetensors, or a torch pickle (.bin, .pt, .pth). */
export async function parseWeightsFile(bytes: Uint8Array, file: string): Promise<TensorSource> {
  return file.endsWith('.safetensors') ? SafetensorsFile.open(bytes, file) : TorchCheckpoint.parse(bytes, file);
}

async function readTokenizerFiles(provider: FileProvider, context: LoadContext): Promise<TokenizerFiles> {
  const [tokenizerJson, tokenizerConfig] = await Promise.all([
    readOptional(provider, 'tokenizer.json', parseJsonFile, context),
    readOptional(provider, TOKENIZER_CONFIG, parseJsonFile, context),
  ]);
  const files: TokenizerFiles = {};
  if (tokenizerJson !== null) files.tokenizerJson = tokenizerJson;
  if (tokenizerConfig !== null) files.tokenizerConfig = tokenizerConfig;
  if (tokenizerJson !== null) return files;
  const read = <T>(file: string, decode: Decoder<T>) => readOptional(provider, file, decode, context);
  const [vocabTxt, vocabJson, mergesTxt, specialTokensMap, addedTokens] = await Promise.all([
    read(VOCAB_FILES.vocabTxt, parseTextFile),
    read(VOCAB_FILES.vocabJson, parseJsonFile),
    read(VOCAB_FILES.mergesTxt, parseTextFile),
    read(VOCAB_FILES.specialTokensMap, parseJsonFile),
    read(VOCAB_FILES.addedTokens, parseJsonFile),
  ]);
  if (vocabTxt !== null) files.vocabTxt = vocabTxt;
  if (vocabJson !== null) files.vocabJson = vocabJson;
  if (mergesTxt !== null) files.mergesTxt = mergesTxt;
  if (specialTokensMap !== null) files.specialTokensMap = specialTokensMap;
  if (addedTokens !== null) files.addedTokens = addedTokens;
  return files;
}

// ----------------------------------------------------------------------------------------------------------------
// The three kinds of source

async function hubProvider(source: Extract<ModelSource, { kind: 'hub' }>, context: LoadContext): Promise<FileProvider> {
  checkHubId(source.id);
  if (source.revision !== undefined) checkRevision(source.revision);
  const endpoint = (source.endpoint ?? DEFAULT_HUB_ENDPOINT).replace(/\/+$/, '');
  const repo: HubRepo = { id: source.id, endpoint, revision: source.revision ?? 'main', token: source.token };
  const label = source.revision ? `${source.id}@${source.revision}` : source.id;
  const fetch = fetchOf(context.options);
  const cache = await cacheOf(context.options);
  const infoKey = repoInfoUrl(repo.id, endpoint, repo.revision);
  context.progress.where = `${label} on ${endpoint}`;
  let info: RepoInfo;
  let offline = false;
  try {
    info = await fetchRepoInfo(repo, fetch, context.signal);
  } catch (error) {
    if (!(error instanceof NetworkError)) throw error;
    const stored = await cache?.get(infoKey);
    if (!stored) {
      throw new WeightsError(`${error.message.replace(/\.?$/, '.')} No copy of ${label} is stored in this browser to use offline.`);
    }
    info = parseRepoInfo(JSON.parse(new TextDecoder().decode(stored.bytes)), repo, infoKey);
    offline = true;
    context.notices.push(
      `${endpoint} could not be reached, so ${label} comes from this browser's cache: commit ` +
        `${info.commit.slice(0, 10)}, stored ${new Date(stored.meta.storedAt).toLocaleString()}.`,
    );
    context.progress.report();
  }
  const model = `${endpoint}/${repo.id}@${info.commit}`;
  const meta = (file: string, size: number): CachedFileMeta => ({
    model,
    label,
    file,
    size,
    storedAt: Date.now(),
    endpoint,
    repo: repo.id,
    revision: repo.revision,
    commit: info.commit,
  });
  if (!offline && cache) {
    // The revision's info, for offline loads of this revision or of this commit by hash.
    const json = new TextEncoder().encode(JSON.stringify({ sha: info.commit, siblings: [...info.files].map(([rfilename, size]) => ({ rfilename, size })) }));
    for (const key of new Set([infoKey, repoInfoUrl(repo.id, endpoint, info.commit)])) {
      await keepInCache(cache, key, json, meta(REVISION_INFO, json.length), context);
    }
  }
  const base = hubBaseUrl(repo.id, endpoint, info.commit);
  return {
    listing: info.files,
    revision: { requested: repo.revision, commit: info.commit },
    async fetch(file) {
      const url = modelFileUrl(base, file);
      const cached = await cache?.get(url);
      if (cached) return { bytes: cached.bytes, where: url, fromCache: true, keep: async () => undefined };
      if (offline) {
        throw new WeightsError(`${file} of ${label} is not in this browser's cache, and ${endpoint} cannot be reached`, file);
      }
      const downloaded = await downloadFile({
        file,
        url,
        fetch,
        signal: context.signal,
        headers: hubHeaders(url, endpoint, repo.token),
        retry: context.options.retry,
        explainStatus: (response) => explainHubStatus(response, repo, file),
        onProgress: (loaded, total) => context.progress.update(file, loaded, total),
      });
      if (downloaded.notModified) throw new WeightsError(`${url} answered 304 to an unconditional request`, file);
      if (downloaded.commit && downloaded.commit !== info.commit) {
        throw new WeightsError(`${url} answered with commit ${downloaded.commit}, not ${info.commit} as asked`, file);
      }
      const bytes = downloaded.bytes;
      return { bytes, where: url, fromCache: false, keep: () => keepInCache(cache, url, bytes, meta(file, bytes.length), context) };
    },
  };
}

async function urlProvider(baseUrl: string, files: readonly string[] | undefined, context: LoadContext): Promise<FileProvider> {
  const fetch = fetchOf(context.options);
  const cache = await cacheOf(context.options);
  context.progress.where = baseUrl;
  let offlineNoticed = false;
  return {
    listing: files ? new Map(files.map((file) => [file, null])) : null,
    revision: null,
    async fetch(file) {
      const url = modelFileUrl(baseUrl, file);
      const cached = await cache?.get(url);
      let downloaded;
      try {
        downloaded = await downloadFile({
          file,
          url,
          fetch,
          signal: context.signal,
          retry: context.options.retry,
          validators: cached ? { etag: cached.meta.etag, lastModified: cached.meta.lastModified } : undefined,
          onProgress: (loaded, total) => context.progress.update(file, loaded, total),
        });
      } catch (error) {
        if (!(error instanceof NetworkError)) throw error;
        // Offline: config.json (always read first) came from the cache; a file never stored counts as absent.
        if (!cached && offlineNoticed) throw new FileNotFoundError(file, url, 'not stored in this browser, and the server cannot be reached');
        if (!cached) throw error;
        if (!offlineNoticed) {
          offlineNoticed = true;
          context.notices.push(`${new URL(url).origin} could not be reached: using the copies stored in this browser.`);
        }
        downloaded = { notModified: true as const };
      }
      if (downloaded.notModified) {
        if (!cached) throw new WeightsError(`${url} answered 304 to an unconditional request`, file);
        return { bytes: cached.bytes, where: url, fromCache: true, keep: async () => undefined };
      }
      const { bytes, etag, lastModified } = downloaded;
      const meta: CachedFileMeta = { model: baseUrl, label: baseUrl, file, size: bytes.length, storedAt: Date.now(), etag, lastModified };
      return { bytes, where: url, fromCache: false, keep: () => keepInCache(cache, url, bytes, meta, context) };
    },
  };
}

function localProvider(files: readonly File[], context: LoadContext): FileProvider {
  // By basename; among several (a dropped folder tree), the least deeply nested.
  const depth = (file: File) => (file.webkitRelativePath || file.name).split('/').length;
  const byName = new Map<string, File>();
  for (const file of [...files].sort((a, b) => depth(a) - depth(b))) if (!byName.has(file.name)) byName.set(file.name, file);
  const chosen = files.length > 0 ? files.map((file) => file.name).join(', ') : 'none';
  context.progress.where = 'the chosen files';
  return {
    listing: new Map([...byName].map(([name, file]) => [name, file.size])),
    revision: null,
    async fetch(name) {
      const picked = byName.get(name);
      if (!picked) throw new FileNotFoundError(name, 'the chosen files', `chosen: ${chosen}`);
      const bytes = await readStream(picked.stream(), picked.size, (loaded) => {
        context.signal.throwIfAborted();
        context.progress.update(name, loaded, picked.size);
      });
      return { bytes, where: picked.webkitRelativePath || picked.name, fromCache: false, keep: async () => undefined };
    },
  };
}

function fetchOf(options: LoadOptions): FetchFunction {
  return options.fetch ?? ((url, init) => globalThis.fetch(url, init));
}

async function cacheOf(options: LoadOptions): Promise<ByteCache | null> {
  return options.cache === undefined ? openBrowserCache() : options.cache;
}

/**
 * Writes one file to the cache, trying twice. A failure never fails the load (the bytes are in memory) and is never
 * silent: a notice says what could not be stored, how much space it needed and what the site already stores.
 */
async function keepInCache(
  cache: ByteCache | null,
  key: string,
  bytes: Uint8Array,
  meta: CachedFileMeta,
  context: LoadContext,
): Promise<void> {
  if (!cache) return;
  let failure: CacheWriteError | undefined;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await cache.put(key, bytes, meta);
      return;
    } catch (error) {
      if (!(error instanceof CacheWriteError)) throw error;
      failure = error;
    }
  }
  const figures = await (context.options.storage ?? storageFigures)();
  const stored =
    figures.usage !== null && figures.quota !== null
      ? `this site already stores ${formatBytes(figures.usage)} of the ${formatBytes(figures.quota)} the browser allows it`
      : 'the browser does not say how much this site stores';
  const reason = failure?.quota ? 'the storage quota is full' : (failure?.message ?? 'the write failed');
  context.notices.push(
    `${meta.file} (${formatBytes(bytes.length)}) could not be kept in this browser's cache: ${reason}; ${stored}. ` +
      `It is loaded now and will download again next time: delete stored models below, or allow persistent storage.`,
  );
  context.progress.report();
}

/** A JSON file of a model, or a FileNotFoundError when a dev server sent its index.html instead. */
export function parseJsonFile(bytes: Uint8Array, file: string, where: string): unknown {
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

function parseTextFile(bytes: Uint8Array, file: string, where: string): string {
  const text = new TextDecoder().decode(bytes);
  if (/^\s*<(!doctype|html)/i.test(text)) throw new FileNotFoundError(file, where, 'the server answered with an HTML page');
  return text;
}

/** Per-file and overall progress; the overall total is known once every expected file has announced its size. */
class ProgressTracker {
  private readonly files = new Map<ModelFileName, FileProgress>();
  /** The source in words, for messages about it as a whole. */
  where = 'the source';

  constructor(
    private readonly listener: ((progress: LoadProgress) => void) | undefined,
    private readonly notices: readonly string[],
  ) {}

  expect(file: ModelFileName, size: number | null): void {
    if (!this.files.has(file)) this.files.set(file, { file, loaded: 0, total: size, done: false, fromCache: false });
    this.report();
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

  report(): void {
    if (!this.listener) return;
    const files = [...this.files.values()];
    const loaded = files.reduce((sum, entry) => sum + entry.loaded, 0);
    const sizes = files.map((entry) => entry.total);
    const total = sizes.every((size) => size !== null) ? sizes.reduce<number>((sum, size) => sum + size, 0) : null;
    const percent = total === null ? null : total === 0 ? 100 : (100 * loaded) / total;
    this.listener({ files, loaded, total, percent, notices: [...this.notices] });
  }
}
