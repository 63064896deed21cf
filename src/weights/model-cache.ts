// Downloaded model files kept across reloads, keyed by URL. The browser's Cache API where it exists;
// elsewhere (Node, some private windows) no cache at all rather than an error.

export interface ByteCache {
  get(url: string): Promise<Uint8Array | null>;
  put(url: string, bytes: Uint8Array, contentType: string): Promise<void>;
}

export const MODEL_CACHE_NAME = 'transformer-playground-models';

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
    async get(url) {
      const response = await cache.match(url).catch(() => undefined);
      return response ? new Uint8Array(await response.arrayBuffer()) : null;
    },
    async put(url, bytes, contentType) {
      const body = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: contentType });
      // A full quota only costs the next load a download.
      await cache.put(url, new Response(body, { headers: { 'content-type': contentType } })).catch(() => undefined);
    },
  };
}

/** Forgets every cached model file; false when there was no cache to clear. */
export async function clearModelCache(cacheName = MODEL_CACHE_NAME): Promise<boolean> {
  if (typeof caches === 'undefined') return false;
  return caches.delete(cacheName).catch(() => false);
}
