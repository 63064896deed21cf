// Downloaded model files kept across reloads in the browser's Cache Storage. Hub files are keyed by the commit they
// belong to (<endpoint>/<repo>/resolve/<commit>/<file>), so a moved branch is a new set of keys and an old commit's
// files are never served for a new one; files from a plain URL are keyed by URL and revalidated with their ETag.
// Each entry carries its metadata (model, revision, commit, size, validators). Keys never hold an access token.
// Where the Cache API is missing (Node, some private windows) there is no cache at all rather than an error.

import { WeightsError } from './errors';

export const MODEL_CACHE_NAME = 'transformer-playground-models';

export interface CachedFileMeta {
  /** Groups a model's files in the cache panel: "<endpoint>/<repo>@<commit>" or the base URL. */
  model: string;
  /** The model as a person names it: "org/name@v2" or a URL. */
  label: string;
  file: string;
  size: number;
  storedAt: number; // Date.now()
  endpoint?: string;
  repo?: string;
  revision?: string;
  commit?: string;
  etag?: string | null;
  lastModified?: string | null;
}

export interface CachedFile {
  bytes: Uint8Array;
  meta: CachedFileMeta;
}

export interface ByteCache {
  get(key: string): Promise<CachedFile | null>;
  /** Throws a CacheWriteError (quota full, storage cleared or disabled); never fails silently. */
  put(key: string, bytes: Uint8Array, meta: CachedFileMeta): Promise<void>;
  list(): Promise<{ key: string; meta: CachedFileMeta }[]>;
  delete(keys: readonly string[]): Promise<void>;
}

/** A write to the cache failed; `quota` when the browser said the storage quota is exhausted. */
export class CacheWriteError extends WeightsError {
  constructor(
    message: string,
    readonly quota: boolean,
  ) {
    super(message);
  }
}

const META_HEADER = 'x-playground-meta';
/** The `file` of the entry that keeps a Hub revision's model info (its commit and file list) for offline loads. */
export const REVISION_INFO = '(revision info)';

/** The Cache API behind the `ByteCache` interface, or null where it is unavailable. */
export async function openBrowserCache(cacheName = MODEL_CACHE_NAME): Promise<ByteCache | null> {
  if (typeof caches === 'undefined') return null;
  let cache: Cache;
  try {
    cache = await caches.open(cacheName);
  } catch {
    return null; // e.g. an insecure context or storage disabled
  }
  return {
    async get(key) {
      const response = await cache.match(key).catch(() => undefined);
      const meta = response && readMeta(response);
      if (!response || !meta) return null;
      try {
        return { bytes: new Uint8Array(await response.arrayBuffer()), meta };
      } catch {
        return null; // the entry vanished while being read (storage cleared)
      }
    },
    async put(key, bytes, meta) {
      const body = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' });
      const headers = { 'content-length': String(bytes.length), [META_HEADER]: encodeURIComponent(JSON.stringify(meta)) };
      try {
        await cache.put(key, new Response(body, { headers }));
      } catch (error) {
        const quota = error instanceof DOMException && error.name === 'QuotaExceededError';
        throw new CacheWriteError(`${meta.file}: ${error instanceof Error ? error.message : String(error)}`, quota);
      }
    },
    async list() {
      const requests = await cache.keys().catch(() => [] as Request[]);
      const entries: { key: string; meta: CachedFileMeta }[] = [];
      for (const request of requests) {
        const response = await cache.match(request).catch(() => undefined);
        const meta = response && readMeta(response);
        void response?.body?.cancel().catch(() => undefined);
        if (meta) entries.push({ key: request.url, meta });
      }
      return entries;
    },
    async delete(keys) {
      await Promise.all(keys.map((key) => cache.delete(key).catch(() => false)));
    },
  };
}

function readMeta(response: Response): CachedFileMeta | null {
  const header = response.headers.get(META_HEADER);
  if (!header) return null;
  try {
    const meta = JSON.parse(decodeURIComponent(header)) as CachedFileMeta;
    return typeof meta.model === 'string' && typeof meta.file === 'string' && typeof meta.size === 'number' ? meta : null;
  } catch {
    return null;
  }
}

/** A model in the cache panel: its files' keys, total size and where it came from. */
export interface StoredModel {
  model: string;
  label: string;
  repo?: string;
  revision?: string;
  commit?: string;
  files: string[];
  keys: string[];
  bytes: number;
  storedAt: number;
}

/** The cache's entries grouped by model, newest first. */
export async function listStoredModels(cache: ByteCache): Promise<StoredModel[]> {
  const models = new Map<string, StoredModel>();
  for (const { key, meta } of await cache.list()) {
    const model = models.get(meta.model) ?? {
      model: meta.model,
      label: meta.label,
      repo: meta.repo,
      revision: meta.revision,
      commit: meta.commit,
      files: [],
      keys: [],
      bytes: 0,
      storedAt: 0,
    };
    if (meta.file !== REVISION_INFO) model.files.push(meta.file);
    model.keys.push(key);
    model.bytes += meta.size;
    model.storedAt = Math.max(model.storedAt, meta.storedAt);
    models.set(meta.model, model);
  }
  return [...models.values()].sort((a, b) => b.storedAt - a.storedAt);
}

export interface StorageFigures {
  usage: number | null;
  quota: number | null;
  persisted: boolean | null;
}

/** navigator.storage's figures where the browser has them. */
export async function storageFigures(): Promise<StorageFigures> {
  const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
  const estimate = await storage?.estimate?.().catch(() => undefined);
  const persisted = await storage?.persisted?.().catch(() => undefined);
  return { usage: estimate?.usage ?? null, quota: estimate?.quota ?? null, persisted: persisted ?? null };
}

/** Asks the browser to keep this site's storage under pressure; null where it cannot be asked. */
export async function requestPersistentStorage(): Promise<boolean | null> {
  const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
  if (!storage?.persist) return null;
  return storage.persist().catch(() => false);
}

/** Forgets every cached model file; false when there was no cache to clear. */
export async function clearModelCache(cacheName = MODEL_CACHE_NAME): Promise<boolean> {
  if (typeof caches === 'undefined') return false;
  return caches.delete(cacheName).catch(() => false);
}
