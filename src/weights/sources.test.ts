import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FetchFunction } from './download';
import { CacheWriteError, type ByteCache, type CachedFile } from './model-cache';
import { TorchCheckpoint } from './pytorch-bin';
import { writeSafetensors } from './safetensors-writer';
import { SafetensorsFile } from './safetensors';
import { ShardedTensorSource } from './shards';
import { hubBaseUrl, loadModelFiles, parseHubId, type LoadOptions, type LoadProgress, type ModelSource } from './sources';

const BASE = 'http://models.test/tiny';
const config = { model_type: 'gpt2', n_embd: 4 };
const tokenizer = { version: '1.0', model: { type: 'BPE' } };
const safetensors = writeSafetensors([{ name: 'wte.weight', shape: [64, 4], data: new Float32Array(256) }]);
const INDEX_HTML = '<!doctype html><html><head><title>app</title></head></html>';
const FAST_RETRY = { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 };

interface ServedFile {
  body: Uint8Array | string;
  status?: number;
  headers?: Record<string, string>;
  /** Bytes after which the first `cuts` transfers of this file drop the connection. */
  cutAfter?: number;
  cuts?: number;
  /** Ignore Range requests (answer 200 with the whole body). */
  noRanges?: boolean;
}

function jsonFile(value: unknown, headers: Record<string, string> = {}): ServedFile {
  return { body: JSON.stringify(value), headers: { 'content-type': 'application/json', ...headers } };
}

const modelFolder = (): Record<string, ServedFile> => ({
  [`${BASE}/config.json`]: jsonFile(config),
  [`${BASE}/model.safetensors`]: { body: safetensors },
  [`${BASE}/tokenizer.json`]: jsonFile(tokenizer),
});

interface Requested {
  url: string;
  headers: Record<string, string>;
}

/**
 * A fetch over a URL -> file table, streaming bodies in 100-byte chunks, honouring Range (206) and If-None-Match
 * (304), and cutting transfers on request; unknown URLs answer 404.
 */
function fakeFetch(files: Record<string, ServedFile>, requested: Requested[] = []): FetchFunction {
  return async (url, init) => {
    init?.signal?.throwIfAborted();
    const headers = Object.fromEntries(new Headers(init?.headers).entries());
    requested.push({ url, headers });
    const served = files[url] ?? { body: 'Entry not found', status: 404 };
    const all = typeof served.body === 'string' ? new TextEncoder().encode(served.body) : served.body;
    const etag = served.headers?.etag;
    if (etag && headers['if-none-match'] === etag) return new Response(null, { status: 304, headers: { etag } });
    const range = /^bytes=(\d+)-$/.exec(headers.range ?? '');
    const start = range && !served.noRanges ? Number(range[1]) : 0;
    if (start > 0 && start >= all.length) return new Response(null, { status: 416, headers: { 'content-range': `bytes */${all.length}` } });
    const bytes = all.subarray(start);
    const cut = served.cuts && served.cuts > 0 && served.cutAfter !== undefined ? served.cutAfter : null;
    if (cut !== null) served.cuts = (served.cuts ?? 0) - 1;
    let offset = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (cut !== null && offset >= cut) return controller.error(new TypeError('network error'));
        if (offset >= bytes.length) return controller.close();
        controller.enqueue(bytes.slice(offset, offset + 100));
        offset += 100;
      },
    });
    const responseHeaders: Record<string, string> = { 'content-length': String(bytes.length), ...served.headers };
    if (start > 0) responseHeaders['content-range'] = `bytes ${start}-${all.length - 1}/${all.length}`;
    return new Response(stream, { status: start > 0 ? 206 : (served.status ?? 200), headers: responseHeaders });
  };
}

function memoryCache(options: { failPuts?: number } = {}): ByteCache & { entries: Map<string, CachedFile>; puts: number } {
  const entries = new Map<string, CachedFile>();
  let failures = options.failPuts ?? 0;
  const cache = {
    entries,
    puts: 0,
    get: async (key: string) => entries.get(key) ?? null,
    put: async (key: string, bytes: Uint8Array, meta: CachedFile['meta']) => {
      cache.puts++;
      if (failures-- > 0) throw new CacheWriteError(`${meta.file}: quota exceeded`, true);
      entries.set(key, { bytes, meta });
    },
    list: async () => [...entries].map(([key, { meta }]) => ({ key, meta })),
    delete: async (keys: readonly string[]) => keys.forEach((key) => entries.delete(key)),
  };
  return cache;
}

async function loadError(source: ModelSource, fetch: FetchFunction, options: LoadOptions = {}): Promise<string> {
  try {
    await loadModelFiles(source, { fetch, cache: null, retry: FAST_RETRY, ...options });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the load to fail');
}

const urlSource: ModelSource = { kind: 'url', baseUrl: `${BASE}/` };

describe('Hub ids and URLs', () => {
  it('follows the Hub layout, with a settable endpoint and revision', () => {
    expect(hubBaseUrl('gpt2')).toBe('https://huggingface.co/gpt2/resolve/main');
    expect(hubBaseUrl('org/bert-tiny', 'http://127.0.0.1:8080/', 'refs/pr/1')).toBe(
      'http://127.0.0.1:8080/org/bert-tiny/resolve/refs%2Fpr%2F1',
    );
    expect(() => hubBaseUrl('../etc/passwd')).toThrow('"../etc/passwd" is not a Hugging Face model id');
  });

  it('reads a revision after @', () => {
    expect(parseHubId('gpt2')).toEqual({ id: 'gpt2', revision: undefined });
    expect(parseHubId('org/name@v2')).toEqual({ id: 'org/name', revision: 'v2' });
    expect(parseHubId('org/name@refs/pr/1')).toEqual({ id: 'org/name', revision: 'refs/pr/1' });
    expect(() => parseHubId('org/name@')).toThrow('"" is not a revision');
    expect(() => parseHubId('org/name@../../x')).toThrow('is not a revision');
  });
});

describe('loadModelFiles from a URL', () => {
  it('loads, parses and reports per-file and overall progress', async () => {
    const reports: LoadProgress[] = [];
    const loaded = await loadModelFiles(urlSource, {
      fetch: fakeFetch(modelFolder()),
      cache: null,
      onProgress: (progress) => reports.push(progress),
    });
    expect(loaded.config).toEqual(config);
    expect(loaded.tokenizer).toEqual(tokenizer);
    expect(loaded.tokenizerFiles).toEqual({ tokenizerJson: tokenizer });
    expect(loaded.weightFiles).toEqual(['model.safetensors']);
    expect((loaded.weights as SafetensorsFile).bytes).toEqual(safetensors);
    expect(loaded.notices).toEqual([]);
    const last = reports[reports.length - 1];
    expect(last.percent).toBe(100);
    expect(last.files.map((f) => f.file).sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json']);
    expect(last.files.every((file) => file.done && !file.fromCache)).toBe(true);
    const safetensorsSteps = reports.map((r) => r.files.find((f) => f.file === 'model.safetensors')?.loaded ?? 0);
    expect(new Set(safetensorsSteps).size).toBeGreaterThan(5); // streamed in chunks
  });

  it('asks a folder whose files are known (the embedded models) for those files only, once each', async () => {
    const files = modelFolder();
    delete files[`${BASE}/tokenizer.json`];
    const requested: Requested[] = [];
    const loaded = await loadModelFiles({ ...urlSource, files: ['config.json', 'model.safetensors'] }, { fetch: fakeFetch(files, requested), cache: null });
    expect(requested.map((r) => r.url).sort()).toEqual([`${BASE}/config.json`, `${BASE}/model.safetensors`]);
    expect(loaded.tokenizer).toBeNull();
    // Without the list every optional file is asked for (and 404s).
    const probed: Requested[] = [];
    await loadModelFiles(urlSource, { fetch: fakeFetch(files, probed), cache: null });
    expect(probed.length).toBeGreaterThan(2);
  });

  it('treats a missing tokenizer.json as absent and fetches the vocabulary files instead', async () => {
    const files = modelFolder();
    delete files[`${BASE}/tokenizer.json`];
    files[`${BASE}/vocab.txt`] = { body: '[PAD]\n[UNK]\nhello\n' };
    files[`${BASE}/tokenizer_config.json`] = jsonFile({ do_lower_case: false });
    files[`${BASE}/special_tokens_map.json`] = jsonFile({ unk_token: '[UNK]' });
    const reports: LoadProgress[] = [];
    const loaded = await loadModelFiles(urlSource, { fetch: fakeFetch(files), cache: null, onProgress: (p) => reports.push(p) });
    expect(loaded.tokenizer).toBeNull();
    expect(loaded.tokenizerFiles).toEqual({
      tokenizerConfig: { do_lower_case: false },
      vocabTxt: '[PAD]\n[UNK]\nhello\n',
      specialTokensMap: { unk_token: '[UNK]' },
    });
    expect(reports[reports.length - 1].percent).toBe(100);
  });

  it('says which file is missing, and where', async () => {
    const files = modelFolder();
    delete files[`${BASE}/config.json`];
    expect(await loadError(urlSource, fakeFetch(files))).toBe(`config.json not found at ${BASE}/config.json (HTTP 404)`);
  });

  it.each<[string, ServedFile]>([
    ['an HTML content type', { body: INDEX_HTML, headers: { 'content-type': 'text/html; charset=utf-8' } }],
    ['an HTML body without a content type', { body: INDEX_HTML, headers: { 'content-type': '' } }],
  ])('recognises a dev server index.html fallback by %s', async (_, fallback) => {
    const files = { ...modelFolder(), [`${BASE}/config.json`]: fallback };
    expect(await loadError(urlSource, fakeFetch(files))).toBe(
      `config.json not found at ${BASE}/config.json (the server answered with an HTML page, as dev servers do for unknown paths)`,
    );
    // A weight file answered by index.html counts as absent: the other formats are tried, then the load says so.
    const noWeights = { ...modelFolder(), [`${BASE}/model.safetensors`]: fallback };
    expect(await loadError(urlSource, fakeFetch(noWeights))).toBe(
      `model.safetensors not found at ${BASE}/ (no weights: looked for model.safetensors, model.safetensors.index.json, pytorch_model.bin, pytorch_model.bin.index.json)`,
    );
  });

  it('recognises something that is not a safetensors file at all', async () => {
    const files = { ...modelFolder(), [`${BASE}/model.safetensors`]: { body: 'PK\u0003\u0004 a zip archive' } };
    expect(await loadError(urlSource, fakeFetch(files))).toContain('no weights: looked for model.safetensors');
  });

  it('reports invalid JSON and corrupt safetensors as such', async () => {
    const badJson = { ...modelFolder(), [`${BASE}/config.json`]: { body: '{"model_type": ' } };
    expect(await loadError(urlSource, fakeFetch(badJson))).toMatch(/^config\.json at http:\/\/models\.test\/tiny\/config\.json is not valid JSON \(/);
    const truncated = { ...modelFolder(), [`${BASE}/model.safetensors`]: { body: safetensors.subarray(0, 200) } };
    expect(await loadError(urlSource, fakeFetch(truncated))).toMatch(/^model\.safetensors: tensor "wte\.weight": data_offsets \[0, 1024\] reach past the end/);
  });

  it('explains HTTP errors and network failures in plain words', async () => {
    const gated = { ...modelFolder(), [`${BASE}/config.json`]: { body: 'denied', status: 401 } };
    expect(await loadError(urlSource, fakeFetch(gated))).toBe(
      `config.json not found at ${BASE}/config.json (HTTP 401: the repository does not exist, or it is private or gated)`,
    );
    const broken = { ...modelFolder(), [`${BASE}/model.safetensors`]: { body: 'oops', status: 500 } };
    expect(await loadError(urlSource, fakeFetch(broken))).toBe(`Could not download model.safetensors from ${BASE}/model.safetensors: HTTP 500`);
    const offline: FetchFunction = async () => {
      throw new TypeError('fetch failed');
    };
    expect(await loadError(urlSource, offline)).toMatch(
      /^Could not download config\.json from http:\/\/models\.test\/tiny\/config\.json: the server could not be reached .* fetch failed$/,
    );
  });

  it('resumes a dropped transfer with a Range request from the bytes it has', async () => {
    const files = modelFolder();
    Object.assign(files[`${BASE}/model.safetensors`], { cutAfter: 500, cuts: 2 });
    const requested: Requested[] = [];
    const loaded = await loadModelFiles(urlSource, { fetch: fakeFetch(files, requested), cache: null, retry: FAST_RETRY });
    expect((loaded.weights as SafetensorsFile).bytes).toEqual(safetensors);
    const ranges = requested.filter((r) => r.url.endsWith('model.safetensors')).map((r) => r.headers.range ?? null);
    expect(ranges).toEqual([null, 'bytes=500-', 'bytes=1000-']);
  });

  it('starts over when the server ignores the range, and gives up naming the file, the bytes and the URL', async () => {
    const restarts = modelFolder();
    Object.assign(restarts[`${BASE}/model.safetensors`], { cutAfter: 500, cuts: 1, noRanges: true });
    const loaded = await loadModelFiles(urlSource, { fetch: fakeFetch(restarts), cache: null, retry: FAST_RETRY });
    expect((loaded.weights as SafetensorsFile).bytes).toEqual(safetensors);
    const dead = modelFolder();
    Object.assign(dead[`${BASE}/model.safetensors`], { cutAfter: 300, cuts: 99, noRanges: true });
    expect(await loadError(urlSource, fakeFetch(dead))).toBe(
      `The download of model.safetensors from ${BASE}/model.safetensors was interrupted after 300 of ${safetensors.length} ` +
        `bytes (3 attempts without progress): network error. Check the connection and load the model again.`,
    );
    const short = modelFolder();
    short[`${BASE}/model.safetensors`].headers = { 'content-length': String(safetensors.length + 10) };
    expect(await loadError(urlSource, fakeFetch(short))).toBe(
      `The download of model.safetensors from ${BASE}/model.safetensors stopped at ${safetensors.length} of ` +
        `${safetensors.length + 10} bytes and the server refuses the rest (HTTP 416): the file is shorter than announced, or it changed`,
    );
  });

  it('does not trust Content-Length for a compressed body', async () => {
    const files = modelFolder();
    files[`${BASE}/tokenizer.json`].headers = { 'content-encoding': 'gzip', 'content-length': '3' };
    const reports: LoadProgress[] = [];
    await loadModelFiles(urlSource, { fetch: fakeFetch(files), cache: null, onProgress: (p) => reports.push(p) });
    expect(reports.some((r) => r.files.some((f) => f.file === 'tokenizer.json' && !f.done && f.total === null))).toBe(true);
  });

  it('revalidates cached files with their ETag, and falls back to them offline with a notice', async () => {
    const files = modelFolder();
    for (const file of Object.values(files)) file.headers = { ...file.headers, etag: '"v1"' };
    const cache = memoryCache();
    const requested: Requested[] = [];
    await loadModelFiles(urlSource, { fetch: fakeFetch(files, requested), cache });
    expect(cache.entries.size).toBe(3);
    const reports: LoadProgress[] = [];
    const again = await loadModelFiles(urlSource, { fetch: fakeFetch(files, requested), cache, onProgress: (p) => reports.push(p) });
    expect(again.config).toEqual(config);
    const revalidations = requested.slice(4).filter((r) => !r.url.endsWith('tokenizer_config.json'));
    expect(revalidations.map((r) => r.headers['if-none-match'])).toEqual(['"v1"', '"v1"', '"v1"']); // answered 304
    expect(reports[reports.length - 1].files.every((f) => f.fromCache)).toBe(true);
    files[`${BASE}/config.json`] = jsonFile({ ...config, n_embd: 8 }, { etag: '"v2"' });
    expect((await loadModelFiles(urlSource, { fetch: fakeFetch(files), cache })).config).toEqual({ ...config, n_embd: 8 });
    const offline: FetchFunction = async () => {
      throw new TypeError('fetch failed');
    };
    const cached = await loadModelFiles(urlSource, { fetch: offline, cache });
    expect(cached.config).toEqual({ ...config, n_embd: 8 });
    expect(cached.notices).toEqual(['http://models.test could not be reached: using the copies stored in this browser.']);
  });

  it('caches nothing that failed its check', async () => {
    const cache = memoryCache();
    const files = { ...modelFolder(), [`${BASE}/config.json`]: { body: INDEX_HTML } };
    await expect(loadModelFiles(urlSource, { fetch: fakeFetch(files), cache })).rejects.toThrow(/not found/);
    expect(cache.entries.has(`${BASE}/config.json`)).toBe(false);
  });

  it('retries a failed cache write per file, then says what could not be stored and what the site stores', async () => {
    const cache = memoryCache({ failPuts: 2 }); // config.json's two attempts fail; the other files are stored
    const storage = async () => ({ usage: 2 * 2 ** 30, quota: 2.5 * 2 ** 30, persisted: false });
    const reports: LoadProgress[] = [];
    const loaded = await loadModelFiles(urlSource, { fetch: fakeFetch(modelFolder()), cache, storage, onProgress: (p) => reports.push(p) });
    expect(loaded.notices).toEqual([
      `config.json (${JSON.stringify(config).length} B) could not be kept in this browser's cache: the storage quota is full; ` +
        `this site already stores 2.00 GiB of the 2.50 GiB the browser allows it. It is loaded now and will download again ` +
        `next time: delete stored models below, or allow persistent storage.`,
    ]);
    expect(reports[reports.length - 1].notices).toEqual(loaded.notices);
    expect([...cache.entries.keys()].sort()).toEqual([`${BASE}/model.safetensors`, `${BASE}/tokenizer.json`]);
    expect(cache.puts).toBe(4);
  });

  it('requests nothing after config.json when onConfig refuses it, and stops when aborted', async () => {
    const requested: Requested[] = [];
    const refused = loadModelFiles(urlSource, {
      fetch: fakeFetch(modelFolder(), requested),
      cache: null,
      onConfig: () => {
        throw new Error('model_type "gpt2" is refused by this test');
      },
    });
    await expect(refused).rejects.toThrow('model_type "gpt2" is refused by this test');
    expect(requested.map((r) => r.url)).toEqual([`${BASE}/config.json`]);
    const controller = new AbortController();
    const aborted = loadModelFiles(urlSource, {
      fetch: fakeFetch(modelFolder(), requested),
      cache: null,
      signal: controller.signal,
      onConfig: () => controller.abort(new Error('too big for this adapter')),
    });
    await expect(aborted).rejects.toThrow('too big for this adapter');
    expect(requested).toHaveLength(2);
  });

  it('works without any cache where the Cache API is missing (Node)', async () => {
    const loaded = await loadModelFiles(urlSource, { fetch: fakeFetch(modelFolder()) });
    expect(loaded.config).toEqual(config);
  });
});

describe('loadModelFiles: every weight format', () => {
  const hub = 'test/fixtures/hub/hub-test';
  const file = (path: string): ServedFile => ({ body: new Uint8Array(readFileSync(path)) });

  it('probes safetensors, then the index, then pytorch_model.bin, and prefers safetensors when both exist', async () => {
    const requested: Requested[] = [];
    const binOnly = { [`${BASE}/config.json`]: jsonFile(config), [`${BASE}/pytorch_model.bin`]: file(`${hub}/tiny-gpt2-bin/pytorch_model.bin`) };
    const loaded = await loadModelFiles(urlSource, { fetch: fakeFetch(binOnly, requested), cache: null });
    expect(loaded.weights).toBeInstanceOf(TorchCheckpoint);
    expect(loaded.weightFiles).toEqual(['pytorch_model.bin']);
    const weightRequests = requested.map((r) => r.url.slice(BASE.length + 1)).filter((f) => /model/.test(f));
    expect(weightRequests).toEqual(['model.safetensors', 'model.safetensors.index.json', 'pytorch_model.bin']);
    const both = { ...modelFolder(), ...binOnly };
    const preferred = await loadModelFiles(urlSource, { fetch: fakeFetch(both), cache: null });
    expect(preferred.weights).toBeInstanceOf(SafetensorsFile);
  });

  it('loads sharded safetensors and sharded .bin, naming a broken shard', async () => {
    for (const [repo, index] of [
      ['tiny-bert-sharded', 'model.safetensors.index.json'],
      ['tiny-gpt2-sharded-bin', 'pytorch_model.bin.index.json'],
    ]) {
      const json = JSON.parse(readFileSync(`${hub}/${repo}/${index}`, 'utf8')) as { weight_map: Record<string, string> };
      const shards = [...new Set(Object.values(json.weight_map))];
      const files: Record<string, ServedFile> = {
        [`${BASE}/config.json`]: jsonFile(config),
        [`${BASE}/${index}`]: file(`${hub}/${repo}/${index}`),
      };
      for (const shard of shards) files[`${BASE}/${shard}`] = file(`${hub}/${repo}/${shard}`);
      const loaded = await loadModelFiles(urlSource, { fetch: fakeFetch(files), cache: null });
      expect(loaded.weights).toBeInstanceOf(ShardedTensorSource);
      expect(loaded.weightFiles).toEqual([index, ...shards]);
      expect(loaded.weights.names.length).toBe(Object.keys(json.weight_map).length);
      files[`${BASE}/${shards[1]}`] = { body: (files[`${BASE}/${shards[1]}`].body as Uint8Array).subarray(0, 5000) };
      expect(await loadError(urlSource, fakeFetch(files))).toMatch(new RegExp(`^${shards[1].replace(/\./g, '\\.')}[:,] `));
    }
  });
});

describe('loadModelFiles from local files', () => {
  const fileOf = (name: string, body: BlobPart) => new File([body], name);

  it('picks files by basename and ignores the rest', async () => {
    const files = [
      fileOf('README.md', '# tiny'),
      fileOf('config.json', JSON.stringify(config)),
      fileOf('model.safetensors', safetensors as Uint8Array<ArrayBuffer>),
      fileOf('tokenizer.json', JSON.stringify(tokenizer)),
    ];
    const reports: LoadProgress[] = [];
    const loaded = await loadModelFiles({ kind: 'files', files }, { onProgress: (p) => reports.push(p) });
    expect(loaded).toMatchObject({ config, tokenizer, source: expect.stringMatching(/^local files \(README\.md, /) });
    expect((loaded.weights as SafetensorsFile).bytes).toEqual(safetensors);
    expect(reports[reports.length - 1].percent).toBe(100);
  });

  it('reads a .bin-only folder', async () => {
    const bin = new Uint8Array(readFileSync('test/fixtures/hub/hub-test/tiny-gpt2-bin/pytorch_model.bin'));
    const files = [fileOf('config.json', JSON.stringify(config)), fileOf('pytorch_model.bin', bin as Uint8Array<ArrayBuffer>)];
    const loaded = await loadModelFiles({ kind: 'files', files });
    expect(loaded.weights.has('lm_head.weight')).toBe(true);
  });

  it('names the missing weights and lists what was chosen', async () => {
    const files = [fileOf('config.json', JSON.stringify(config)), fileOf('tf_model.h5', 'x')];
    await expect(loadModelFiles({ kind: 'files', files })).rejects.toThrow(
      'the chosen files has no weights this app reads (looked for model.safetensors, model.safetensors.index.json, ' +
        'pytorch_model.bin, pytorch_model.bin.index.json); it has: tf_model.h5',
    );
  });
});
