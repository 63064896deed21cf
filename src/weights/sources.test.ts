import { describe, expect, it } from 'vitest';
import type { FetchFunction } from './download';
import type { ByteCache } from './model-cache';
import { writeSafetensors } from './safetensors-writer';
import { SafetensorsFile } from './safetensors';
import { hubBaseUrl, loadModelFiles, type LoadProgress, type ModelSource } from './sources';

const BASE = 'http://models.test/tiny';
const config = { model_type: 'gpt2', n_embd: 4 };
const tokenizer = { version: '1.0', model: { type: 'BPE' } };
const safetensors = writeSafetensors([{ name: 'wte.weight', shape: [64, 4], data: new Float32Array(256) }]);
const INDEX_HTML = '<!doctype html><html><head><title>app</title></head></html>';

interface ServedFile {
  body: Uint8Array | string;
  status?: number;
  headers?: Record<string, string>;
}

function jsonFile(value: unknown): ServedFile {
  return { body: JSON.stringify(value), headers: { 'content-type': 'application/json' } };
}

const modelFolder = (): Record<string, ServedFile> => ({
  [`${BASE}/config.json`]: jsonFile(config),
  [`${BASE}/model.safetensors`]: { body: safetensors },
  [`${BASE}/tokenizer.json`]: jsonFile(tokenizer),
});

/** A fetch over a URL -> file table, streaming bodies in 100-byte chunks; unknown URLs answer 404. */
function fakeFetch(files: Record<string, ServedFile>, requested: string[] = []): FetchFunction {
  return async (url, init) => {
    init?.signal?.throwIfAborted();
    requested.push(url);
    const served = files[url] ?? { body: 'Entry not found', status: 404 };
    const bytes = typeof served.body === 'string' ? new TextEncoder().encode(served.body) : served.body;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < bytes.length; offset += 100) controller.enqueue(bytes.slice(offset, offset + 100));
        controller.close();
      },
    });
    const headers = { 'content-length': String(bytes.length), ...served.headers };
    return new Response(stream, { status: served.status ?? 200, headers });
  };
}

function memoryCache(): ByteCache & { entries: Map<string, Uint8Array> } {
  const entries = new Map<string, Uint8Array>();
  return {
    entries,
    get: async (url) => entries.get(url) ?? null,
    put: async (url, bytes) => void entries.set(url, bytes),
  };
}

async function loadError(source: ModelSource, fetch: FetchFunction): Promise<string> {
  try {
    await loadModelFiles(source, { fetch, cache: null });
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the load to fail');
}

const urlSource: ModelSource = { kind: 'url', baseUrl: `${BASE}/` };

describe('hubBaseUrl', () => {
  it('follows the Hub layout, with a settable endpoint and revision', () => {
    expect(hubBaseUrl('gpt2')).toBe('https://huggingface.co/gpt2/resolve/main');
    expect(hubBaseUrl('org/bert-tiny', 'http://127.0.0.1:8080/', 'v1.0')).toBe(
      'http://127.0.0.1:8080/org/bert-tiny/resolve/v1.0',
    );
    expect(() => hubBaseUrl('../etc/passwd')).toThrow('"../etc/passwd" is not a Hugging Face model id');
  });

  it('is what loadModelFiles requests for a hub source', async () => {
    const requested: string[] = [];
    const base = 'http://hub.test/org/tiny/resolve/main';
    const files = Object.fromEntries(Object.entries(modelFolder()).map(([url, file]) => [url.replace(BASE, base), file]));
    const source: ModelSource = { kind: 'hub', id: 'org/tiny', endpoint: 'http://hub.test' };
    const loaded = await loadModelFiles(source, { fetch: fakeFetch(files, requested), cache: null });
    expect(requested.sort()).toEqual([`${base}/config.json`, `${base}/model.safetensors`, `${base}/tokenizer.json`]);
    expect(loaded.source).toBe('org/tiny on http://hub.test');
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
    expect((loaded.weights as SafetensorsFile).bytes).toEqual(safetensors);
    const last = reports[reports.length - 1];
    expect(last.percent).toBe(100);
    expect(last.files.every((file) => file.done && !file.fromCache)).toBe(true);
    const safetensorsSteps = reports.map((r) => r.files.find((f) => f.file === 'model.safetensors')!.loaded);
    expect(new Set(safetensorsSteps).size).toBeGreaterThan(5); // streamed in chunks
    const percents = reports.map((r) => r.percent).filter((p): p is number => p !== null);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(reports[0].percent).toBeNull(); // not every size known yet
  });

  it('treats a missing tokenizer.json as absent', async () => {
    const files = modelFolder();
    delete files[`${BASE}/tokenizer.json`];
    const reports: LoadProgress[] = [];
    const loaded = await loadModelFiles(urlSource, {
      fetch: fakeFetch(files),
      cache: null,
      onProgress: (progress) => reports.push(progress),
    });
    expect(loaded.tokenizer).toBeNull();
    expect(reports[reports.length - 1].percent).toBe(100);
  });

  it('says which file is missing, and where', async () => {
    const files = modelFolder();
    delete files[`${BASE}/config.json`];
    expect(await loadError(urlSource, fakeFetch(files))).toBe(
      `config.json not found at ${BASE}/config.json (HTTP 404)`,
    );
  });

  it.each<[string, ServedFile]>([
    ['an HTML content type', { body: INDEX_HTML, headers: { 'content-type': 'text/html; charset=utf-8' } }],
    ['an HTML body without a content type', { body: INDEX_HTML, headers: { 'content-type': '' } }],
  ])('recognises a dev server index.html fallback by %s', async (_, fallback) => {
    for (const file of ['config.json', 'model.safetensors']) {
      const files = { ...modelFolder(), [`${BASE}/${file}`]: fallback };
      expect(await loadError(urlSource, fakeFetch(files))).toBe(
        `${file} not found at ${BASE}/${file} (the server answered with an HTML page, as dev servers do for unknown paths)`,
      );
    }
  });

  it('recognises something that is not a safetensors file at all', async () => {
    const files = { ...modelFolder(), [`${BASE}/model.safetensors`]: { body: 'PK\u0003\u0004 a zip archive' } };
    expect(await loadError(urlSource, fakeFetch(files))).toBe(
      `model.safetensors not found at ${BASE}/model.safetensors (what the server sent does not start like a safetensors file)`,
    );
  });

  it('reports invalid JSON and corrupt safetensors as such', async () => {
    const badJson = { ...modelFolder(), [`${BASE}/config.json`]: { body: '{"model_type": ' } };
    expect(await loadError(urlSource, fakeFetch(badJson))).toMatch(
      /^config\.json at http:\/\/models\.test\/tiny\/config\.json is not valid JSON \(/,
    );
    const truncated = { ...modelFolder(), [`${BASE}/model.safetensors`]: { body: safetensors.subarray(0, 200) } };
    expect(await loadError(urlSource, fakeFetch(truncated))).toMatch(
      /^model\.safetensors: tensor "wte\.weight": data_offsets \[0, 1024\] reach past the end/,
    );
  });

  it('explains HTTP errors and network failures in plain words', async () => {
    const gated = { ...modelFolder(), [`${BASE}/config.json`]: { body: 'denied', status: 401 } };
    expect(await loadError(urlSource, fakeFetch(gated))).toBe(
      `config.json not found at ${BASE}/config.json (HTTP 401: the repository does not exist, or it is private or gated)`,
    );
    const broken = { ...modelFolder(), [`${BASE}/model.safetensors`]: { body: 'oops', status: 500 } };
    expect(await loadError(urlSource, fakeFetch(broken))).toBe(
      `Could not download model.safetensors from ${BASE}/model.safetensors: HTTP 500`,
    );
    const offline: FetchFunction = async () => {
      throw new TypeError('fetch failed');
    };
    expect(await loadError(urlSource, offline)).toMatch(
      /^Could not download (config\.json|model\.safetensors) from http:\/\/models\.test\/tiny\/\S+: the server could not be reached .* fetch failed$/,
    );
  });

  it('notices a body shorter than its Content-Length', async () => {
    const files = modelFolder();
    files[`${BASE}/model.safetensors`].headers = { 'content-length': String(safetensors.length + 10) };
    expect(await loadError(urlSource, fakeFetch(files))).toBe(
      `The download of model.safetensors from ${BASE}/model.safetensors was cut short: ` +
        `${safetensors.length} of ${safetensors.length + 10} bytes`,
    );
  });

  it('does not trust Content-Length for a compressed body', async () => {
    const files = modelFolder();
    files[`${BASE}/tokenizer.json`].headers = { 'content-encoding': 'gzip', 'content-length': '3' };
    const reports: LoadProgress[] = [];
    await loadModelFiles(urlSource, { fetch: fakeFetch(files), cache: null, onProgress: (p) => reports.push(p) });
    expect(reports.some((r) => r.files.some((f) => f.file === 'tokenizer.json' && !f.done && f.total === null))).toBe(
      true,
    );
  });

  it('serves a second load from the cache without fetching', async () => {
    const cache = memoryCache();
    const requested: string[] = [];
    await loadModelFiles(urlSource, { fetch: fakeFetch(modelFolder(), requested), cache });
    expect(cache.entries.size).toBe(3);
    expect(requested).toHaveLength(3);
    const reports: LoadProgress[] = [];
    const again = await loadModelFiles(urlSource, {
      fetch: fakeFetch(modelFolder(), requested),
      cache,
      onProgress: (p) => reports.push(p),
    });
    expect(requested).toHaveLength(3);
    expect(again.config).toEqual(config);
    expect(reports[reports.length - 1].files.every((f) => f.fromCache)).toBe(true);
  });

  it('caches nothing that failed its check', async () => {
    const cache = memoryCache();
    const files = { ...modelFolder(), [`${BASE}/config.json`]: { body: INDEX_HTML } };
    await expect(loadModelFiles(urlSource, { fetch: fakeFetch(files), cache })).rejects.toThrow(/not found/);
    expect(cache.entries.has(`${BASE}/config.json`)).toBe(false);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const load = loadModelFiles(urlSource, { fetch: fakeFetch(modelFolder()), cache: null, signal: controller.signal });
    await expect(load).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('works without any cache where the Cache API is missing (Node)', async () => {
    const loaded = await loadModelFiles(urlSource, { fetch: fakeFetch(modelFolder()) });
    expect(loaded.config).toEqual(config);
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

  it('names a missing required file and lists what was chosen', async () => {
    const files = [fileOf('config.json', JSON.stringify(config)), fileOf('pytorch_model.bin', 'x')];
    await expect(loadModelFiles({ kind: 'files', files })).rejects.toThrow(
      'model.safetensors not found at the chosen files (chosen: config.json, pytorch_model.bin)',
    );
  });
});
