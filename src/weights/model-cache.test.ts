import { afterEach, describe, expect, it, vi } from 'vitest';
import { CacheWriteError, clearModelCache, listStoredModels, openBrowserCache, type CachedFileMeta } from './model-cache';

/** Just enough of the Cache API (CacheStorage + Cache) for the adapter, backed by a Map of stored Responses. */
function fakeCacheStorage(options: { failPut?: 'quota' | 'other' } = {}) {
  const stores = new Map<string, Map<string, Response>>();
  return {
    stores,
    open: async (name: string) => {
      const store = stores.get(name) ?? new Map<string, Response>();
      stores.set(name, store);
      return {
        match: async (url: string | Request) => store.get(typeof url === 'string' ? url : url.url)?.clone(),
        put: async (url: string, response: Response) => {
          if (options.failPut === 'quota') throw new DOMException('quota exceeded', 'QuotaExceededError');
          if (options.failPut === 'other') throw new DOMException('Unexpected internal error.', 'UnknownError');
          store.set(url, response);
        },
        keys: async () => [...store.keys()].map((url) => new Request(url)),
        delete: async (url: string) => store.delete(url),
      };
    },
    delete: async (name: string) => stores.delete(name),
  };
}

const meta = (file: string, model: string, size: number, storedAt = 1): CachedFileMeta => ({
  model,
  label: model.split('@')[0],
  file,
  size,
  storedAt,
  repo: 'org/tiny',
  revision: 'main',
  commit: model.split('@')[1],
});

afterEach(() => vi.unstubAllGlobals());

describe('openBrowserCache', () => {
  it('is null where the Cache API is missing (Node)', async () => {
    expect(typeof caches).toBe('undefined');
    expect(await openBrowserCache()).toBeNull();
    expect(await clearModelCache()).toBe(false);
  });

  it('stores bytes with their metadata, lists them by model, deletes and clears them', async () => {
    const storage = fakeCacheStorage();
    vi.stubGlobal('caches', storage);
    const cache = (await openBrowserCache('models'))!;
    const bytes = new Uint8Array([9, 8, 7, 6]).subarray(1, 3);
    const key = 'http://hub.test/org/tiny/resolve/aaaa/config.json';
    await cache.put(key, bytes, meta('config.json', 'http://hub.test/org/tiny@aaaa', 2, 5));
    await cache.put('http://hub.test/org/tiny/resolve/aaaa/model.safetensors', new Uint8Array(10), meta('model.safetensors', 'http://hub.test/org/tiny@aaaa', 10, 7));
    await cache.put('http://hub.test/org/tiny/resolve/bbbb/config.json', new Uint8Array(3), meta('config.json', 'http://hub.test/org/tiny@bbbb', 3, 9));
    expect(await cache.get(key)).toEqual({ bytes: new Uint8Array([8, 7]), meta: meta('config.json', 'http://hub.test/org/tiny@aaaa', 2, 5) });
    expect(await cache.get('http://hub.test/other')).toBeNull();
    const models = await listStoredModels(cache);
    expect(models.map((m) => [m.model, m.commit, m.files, m.bytes])).toEqual([
      ['http://hub.test/org/tiny@bbbb', 'bbbb', ['config.json'], 3],
      ['http://hub.test/org/tiny@aaaa', 'aaaa', ['config.json', 'model.safetensors'], 12],
    ]);
    await cache.delete(models[1].keys);
    expect((await listStoredModels(cache)).map((m) => m.model)).toEqual(['http://hub.test/org/tiny@bbbb']);
    expect(await clearModelCache('models')).toBe(true);
    expect(storage.stores.has('models')).toBe(false);
  });

  it.each([
    ['quota', true],
    ['other', false],
  ] as const)('reports a failed write (%s) as a CacheWriteError instead of swallowing it', async (failPut, quota) => {
    vi.stubGlobal('caches', fakeCacheStorage({ failPut }));
    const cache = (await openBrowserCache())!;
    const write = cache.put('http://hub.test/x', new Uint8Array(4), meta('model.safetensors', 'm@c', 4));
    await expect(write).rejects.toBeInstanceOf(CacheWriteError);
    await expect(write).rejects.toMatchObject({ quota, message: expect.stringMatching(/^model\.safetensors: /) });
    expect(await cache.get('http://hub.test/x')).toBeNull();
  });

  it('ignores entries without metadata (written by an older version)', async () => {
    const storage = fakeCacheStorage();
    vi.stubGlobal('caches', storage);
    const cache = (await openBrowserCache('models'))!;
    (await storage.open('models')).put('http://hub.test/old', new Response('x'));
    expect(await cache.get('http://hub.test/old')).toBeNull();
    expect(await listStoredModels(cache)).toEqual([]);
  });
});
