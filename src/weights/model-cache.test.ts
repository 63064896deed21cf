import { afterEach, describe, expect, it, vi } from 'vitest';
import { clearModelCache, openBrowserCache } from './model-cache';

/** Just enough of the Cache API (CacheStorage + Cache) for the adapter, backed by a Map of stored Responses. */
function fakeCacheStorage(options: { failPut?: boolean } = {}) {
  const stores = new Map<string, Map<string, Response>>();
  return {
    stores,
    open: async (name: string) => {
      const store = stores.get(name) ?? new Map<string, Response>();
      stores.set(name, store);
      return {
        match: async (url: string) => store.get(url)?.clone(),
        put: async (url: string, response: Response) => {
          if (options.failPut) throw new DOMException('quota exceeded', 'QuotaExceededError');
          store.set(url, response);
        },
      };
    },
    delete: async (name: string) => stores.delete(name),
  };
}

afterEach(() => vi.unstubAllGlobals());

describe('openBrowserCache', () => {
  it('is null where the Cache API is missing (Node)', async () => {
    expect(typeof caches).toBe('undefined');
    expect(await openBrowserCache()).toBeNull();
    expect(await clearModelCache()).toBe(false);
  });

  it('stores bytes by URL with their content type, and clears them', async () => {
    const storage = fakeCacheStorage();
    vi.stubGlobal('caches', storage);
    const cache = (await openBrowserCache('models'))!;
    const bytes = new Uint8Array([9, 8, 7, 6]).subarray(1, 3);
    await cache.put('http://hub.test/a/resolve/main/config.json', bytes, 'application/json');
    expect(await cache.get('http://hub.test/a/resolve/main/config.json')).toEqual(new Uint8Array([8, 7]));
    expect(await cache.get('http://hub.test/other')).toBeNull();
    const stored = storage.stores.get('models')!.get('http://hub.test/a/resolve/main/config.json')!;
    expect(stored.headers.get('content-type')).toBe('application/json');
    expect(await clearModelCache('models')).toBe(true);
    expect(storage.stores.has('models')).toBe(false);
  });

  it('shrugs off a full quota: the next load downloads again', async () => {
    vi.stubGlobal('caches', fakeCacheStorage({ failPut: true }));
    const cache = (await openBrowserCache())!;
    await expect(cache.put('http://hub.test/x', new Uint8Array(4), 'application/octet-stream')).resolves.toBeUndefined();
    expect(await cache.get('http://hub.test/x')).toBeNull();
  });
});
