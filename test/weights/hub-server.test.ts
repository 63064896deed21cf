import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHubServer, type HubServer } from '../../scripts/hub-server.mjs';
import type { ByteCache, CachedFile } from '../../src/weights/model-cache';
import { writeSafetensors } from '../../src/weights/safetensors-writer';
import { SafetensorsFile } from '../../src/weights/safetensors';
import { loadModelFiles, type LoadOptions, type ModelSource } from '../../src/weights/sources';
import { syntheticGpt2Config, syntheticGpt2Tensors } from '../../src/models/synthetic';

// The stand-in over temporary repos plus the committed fixtures (test/fixtures/models, test/fixtures/hub, whose
// repo manifests scripts/reference/make_bin_fixtures.py writes).
const config = { ...syntheticGpt2Config().raw };
const safetensors = writeSafetensors(syntheticGpt2Tensors(syntheticGpt2Config()), { format: 'pt' });
const GRANTED = 'hf_hubtest_granted';
const FAST_RETRY = { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 };

let primaryRoot: string;
let secondaryRoot: string;
let hub: HubServer;

function writeModel(dir: string, files: Record<string, string | Uint8Array>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
}

function memoryCache(): ByteCache & { entries: Map<string, CachedFile> } {
  const entries = new Map<string, CachedFile>();
  return {
    entries,
    get: async (key) => entries.get(key) ?? null,
    put: async (key, bytes, meta) => void entries.set(key, { bytes: bytes.slice(), meta }),
    list: async () => [...entries].map(([key, { meta }]) => ({ key, meta })),
    delete: async (keys) => keys.forEach((key) => entries.delete(key)),
  };
}

const hubSource = (id: string, extra: Partial<Extract<ModelSource, { kind: 'hub' }>> = {}): ModelSource => ({
  kind: 'hub',
  id,
  endpoint: hub.url,
  ...extra,
});

const load = (id: string, extra: Partial<Extract<ModelSource, { kind: 'hub' }>> = {}, options: LoadOptions = {}) =>
  loadModelFiles(hubSource(id, extra), { cache: null, retry: FAST_RETRY, ...options });

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected a failure');
}

const fixtureTensor = (repo: string, name: string) =>
  SafetensorsFile.parse(new Uint8Array(readFileSync(`test/fixtures/models/${repo}/model.safetensors`))).hostTensor(name).data;

beforeAll(async () => {
  primaryRoot = mkdtempSync(join(tmpdir(), 'hub-primary-'));
  secondaryRoot = mkdtempSync(join(tmpdir(), 'hub-secondary-'));
  writeModel(join(primaryRoot, 'test-org', 'tiny-gpt2'), {
    'config.json': JSON.stringify(config),
    'model.safetensors': safetensors,
    'tokenizer.json': '{"version":"1.0"}',
  });
  writeModel(join(primaryRoot, 'no-config'), { 'model.safetensors': safetensors });
  writeModel(join(secondaryRoot, 'only-second'), { 'config.json': '{"from":"second"}' });
  hub = await startHubServer({ roots: [primaryRoot, secondaryRoot, 'test/fixtures/models', 'test/fixtures/hub'], port: 0 });
});

beforeEach(() => hub.reset());

afterAll(async () => {
  await hub?.close();
  rmSync(primaryRoot, { recursive: true, force: true });
  rmSync(secondaryRoot, { recursive: true, force: true });
});

describe('hub-server answers as the Hub does', () => {
  it('serves <org>/<name> and <name> layouts with CORS and CORP headers', async () => {
    const response = await fetch(`${hub.url}/test-org/tiny-gpt2/resolve/main/config.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('access-control-expose-headers')).toContain('X-Repo-Commit');
    expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-repo-commit')).toMatch(/^[0-9a-f]{40}$/);
    expect(response.headers.get('etag')).toMatch(/^"[0-9a-f]{40}"$/);
    expect(await response.json()).toEqual(config);
    const second = await fetch(`${hub.url}/only-second/resolve/main/config.json`);
    expect(await second.json()).toEqual({ from: 'second' });
  });

  it('redirects LFS files to a signed URL on the CDN origin, which honours Range and HEAD', async () => {
    const url = `${hub.url}/test-org/tiny-gpt2/resolve/main/model.safetensors`;
    const redirect = await fetch(url, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toMatch(new RegExp(`^${hub.cdnUrl}/lfs/[0-9a-f]{64}\\?name=model\\.safetensors&expires=\\d+&signature=[0-9a-f]{64}$`));
    expect(redirect.headers.get('x-linked-size')).toBe(String(safetensors.length));
    expect(redirect.headers.get('x-linked-etag')).toMatch(/^"[0-9a-f]{64}"$/);
    expect(redirect.headers.get('access-control-allow-origin')).toBe('*');
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(safetensors.length));
    expect((await head.arrayBuffer()).byteLength).toBe(0);
    const part = await fetch(url, { headers: { range: 'bytes=8-15' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 8-15/${safetensors.length}`);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(safetensors.subarray(8, 16));
    const forged = await fetch(redirect.headers.get('location')!.replace(/signature=[0-9a-f]/, 'signature=x'));
    expect(forged.status).toBe(403);
    expect(hub.requests().filter((r) => r.origin === 'cdn').length).toBeGreaterThan(0);
  });

  it.each([
    ['/test-org/tiny-gpt2/resolve/main/missing.json', 404, 'EntryNotFound'],
    ['/nobody/resolve/main/config.json', 401, 'RepoNotFound'],
    ['/test-org/tiny-gpt2/resolve/no-such-branch/config.json', 404, 'RevisionNotFound'],
    ['/only-second/resolve/some-revision/config.json', 404, 'RevisionNotFound'],
    ['/hub-test/gated-gpt2/resolve/main/config.json', 401, 'GatedRepo'],
    ['/hub-test/private-gpt2/resolve/main/config.json', 401, 'RepoNotFound'],
    ['/test-org/tiny-gpt2/config.json', 404, null],
    ['/test-org/tiny-gpt2/resolve/main/', 404, null],
    ['/test-org/..%2F..%2Fetc/resolve/main/passwd', 401, 'RepoNotFound'],
    ['/a/b/c/resolve/main/config.json', 404, null],
  ])('answers %s with %i %s', async (path, status, code) => {
    const response = await fetch(hub.url + path);
    expect(response.status).toBe(status);
    expect(response.headers.get('x-error-code')).toBe(code);
    expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
  });

  it('tells a token with access from one without: gated 403, private 404', async () => {
    const gated = `${hub.url}/hub-test/gated-gpt2/resolve/main/config.json`;
    expect((await fetch(gated, { headers: { authorization: `Bearer ${GRANTED}` } })).status).toBe(200);
    const denied = await fetch(gated, { headers: { authorization: 'Bearer hf_hubtest_not_granted' } });
    expect([denied.status, denied.headers.get('x-error-code')]).toEqual([403, 'GatedRepo']);
    const hidden = await fetch(`${hub.url}/hub-test/private-gpt2/resolve/main/config.json`, { headers: { authorization: 'Bearer nope' } });
    expect([hidden.status, hidden.headers.get('x-error-code')]).toEqual([404, 'RepoNotFound']);
  });

  it('lists a revision with its commit and file sizes (GET /api/models/<id>/revision/<rev>, and /tree)', async () => {
    const info = await (await fetch(`${hub.url}/api/models/hub-test/moving-gpt2/revision/v2?blobs=true`)).json();
    expect(info.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(info.siblings.map((s: { rfilename: string }) => s.rfilename)).toEqual(['config.json', 'model.safetensors', 'tokenizer.json']);
    expect(info.siblings[1]).toMatchObject({ size: 121616, lfs: { size: 121616 } });
    const main = await (await fetch(`${hub.url}/api/models/hub-test/moving-gpt2`)).json();
    expect(main.sha).not.toBe(info.sha);
    const tree = await (await fetch(`${hub.url}/api/models/hub-test/moving-gpt2/tree/${info.sha}`)).json();
    expect(tree.map((entry: { path: string }) => entry.path)).toEqual(['config.json', 'model.safetensors', 'tokenizer.json']);
    const pr = await (await fetch(`${hub.url}/api/models/hub-test/moving-gpt2/revision/${encodeURIComponent('refs/pr/1')}`)).json();
    expect(pr.sha).toBe(info.sha);
  });
});

describe('loadModelFiles through the stand-in', () => {
  it('asks for the revision first, then files pinned to its commit; the token goes nowhere but the Hub origin', async () => {
    const loaded = await load('hub-test/gated-gpt2', { token: GRANTED });
    expect(loaded.revision).toEqual({ requested: 'main', commit: expect.stringMatching(/^[0-9a-f]{40}$/) });
    expect(loaded.source).toBe(`hub-test/gated-gpt2 on ${hub.url}`);
    const requests = hub.requests();
    expect(requests[0].path).toBe('/api/models/hub-test/gated-gpt2/revision/main?blobs=true');
    const commit = loaded.revision!.commit;
    expect(requests.filter((r) => r.origin === 'hub').slice(1).every((r) => r.path.startsWith(`/hub-test/gated-gpt2/resolve/${commit}/`))).toBe(true);
    expect(requests.filter((r) => r.origin === 'hub').every((r) => r.authorization)).toBe(true);
    expect(requests.filter((r) => r.origin === 'cdn').map((r) => [r.authorization, r.status])).toEqual([[false, 200]]);
    expect(requests.every((r) => !r.path.includes(GRANTED))).toBe(true);
    expect([...loaded.weights.hostTensor('transformer.wpe.weight').data]).toEqual([...fixtureTensor('tiny-gpt2', 'transformer.wpe.weight')]);
  });

  it('names the cause of a refusal: gated without a token, a token without access, private, missing, bad revision', async () => {
    expect(await failure(load('hub-test/gated-gpt2'))).toBe(
      `hub-test/gated-gpt2 is a gated model: accept its conditions on ${hub.url}/hub-test/gated-gpt2 and give an access token (none was given)`,
    );
    expect(await failure(load('hub-test/gated-gpt2', { token: 'hf_hubtest_not_granted' }))).toBe(
      `hub-test/gated-gpt2 is a gated model and the access token given has not been granted access: request access on ${hub.url}/hub-test/gated-gpt2, then load it again`,
    );
    expect(await failure(load('hub-test/private-gpt2'))).toBe(
      `hub-test/private-gpt2 was not found on ${hub.url}: it does not exist, or it is private and no access token was given`,
    );
    expect(await failure(load('hub-test/private-gpt2', { token: 'hf_wrong' }))).toBe(
      `hub-test/private-gpt2 was not found on ${hub.url}: it does not exist, or it is private and the access token given has no access to it`,
    );
    expect((await load('hub-test/private-gpt2', { token: GRANTED })).config).toMatchObject({ model_type: 'gpt2' });
    expect(await failure(load('hub-test/moving-gpt2', { revision: 'v3' }))).toBe(
      'hub-test/moving-gpt2 has no revision "v3" (a branch, a tag, refs/pr/<number> or a full commit hash)',
    );
  });

  it('says a required file is missing from the revision', async () => {
    expect(await failure(load('no-config'))).toMatch(/^config\.json not found at http:\/\/127\.0\.0\.1:\d+\/no-config\/resolve\/[0-9a-f]{40}\/config\.json \(HTTP 404 Not Found\)$/);
  });

  it('loads tags, pull-request refs and commit hashes; a moved branch brings the new weights, the cache keeps each commit', async () => {
    const cache = memoryCache();
    const first = await load('hub-test/moving-gpt2', {}, { cache });
    const v2 = await load('hub-test/moving-gpt2', { revision: 'v2' }, { cache });
    const pr = await load('hub-test/moving-gpt2', { revision: 'refs/pr/1' }, { cache });
    expect(first.revision!.commit).not.toBe(v2.revision!.commit);
    expect(pr.revision!.commit).toBe(v2.revision!.commit);
    expect(first.weights.entry('transformer.wte.weight').dtype).toBe('F32'); // snapshot "first": tiny-gpt2
    expect(v2.weights.entry('transformer.wte.weight').dtype).toBe('F16'); // snapshot "second": tiny-gpt2-f16
    const byCommit = await load('hub-test/moving-gpt2', { revision: first.revision!.commit }, { cache });
    expect(byCommit.weights.entry('transformer.wte.weight').dtype).toBe('F32');
    expect([...cache.entries.keys()].every((key) => !key.includes('/resolve/main/') && !key.includes(GRANTED))).toBe(true);

    hub.clearRequests();
    hub.setRef('hub-test/moving-gpt2', 'main', 'second'); // a push moves main
    const moved = await load('hub-test/moving-gpt2', {}, { cache });
    expect(moved.revision!.commit).toBe(v2.revision!.commit);
    expect(moved.weights.entry('transformer.wte.weight').dtype).toBe('F16');
    // Revalidated with one request; the new commit's files were already stored (from v2): nothing downloaded.
    expect(hub.requests().map((r) => r.path)).toEqual(['/api/models/hub-test/moving-gpt2/revision/main?blobs=true']);
  });

  it('works offline from the cache, saying so, and fails clearly for what was never stored', async () => {
    const cache = memoryCache();
    const online = await load('hub-test/tiny-gpt2-bin', {}, { cache });
    const closed = await startHubServer({ roots: ['test/fixtures/hub'], port: 0 });
    await closed.close();
    const source = { kind: 'hub', id: 'hub-test/tiny-gpt2-bin', endpoint: hub.url } as const;
    const offlineFetch = (url: string, init?: RequestInit) => fetch(url.replace(hub.url, closed.url), init);
    const offline = await loadModelFiles(source, { cache, fetch: offlineFetch });
    expect(offline.revision).toEqual(online.revision);
    expect(offline.notices).toEqual([
      expect.stringMatching(new RegExp(`^${hub.url} could not be reached, so hub-test/tiny-gpt2-bin comes from this browser's cache: commit [0-9a-f]{10}, stored `)),
    ]);
    expect(offline.weights.names).toEqual(online.weights.names);
    const never = await failure(loadModelFiles({ ...source, id: 'hub-test/tiny-bert-sharded' }, { cache, fetch: offlineFetch }));
    expect(never).toMatch(/^Could not download the model info of hub-test\/tiny-bert-sharded from .*: the server could not be reached .* No copy of hub-test\/tiny-bert-sharded is stored in this browser to use offline\.$/);
  });

  it('resumes a transfer the CDN cuts, with a Range request, and gives up after repeated cuts naming the bytes', async () => {
    hub.cut({ file: 'pytorch_model.bin', repo: 'hub-test/tiny-gpt2-bin', afterBytes: 100_000, times: 2 });
    const loaded = await load('hub-test/tiny-gpt2-bin');
    expect(loaded.weights.names).toContain('lm_head.weight');
    const cdn = hub.requests().filter((r) => r.origin === 'cdn');
    expect(cdn.map((r) => r.range)).toEqual([null, 'bytes=100000-', 'bytes=200000-']);
    hub.cut({ file: 'pytorch_model.bin', repo: 'hub-test/tiny-gpt2-bin', afterBytes: 0, times: 10 });
    const message = await failure(load('hub-test/tiny-gpt2-bin'));
    expect(message).toMatch(/^The download of pytorch_model\.bin from http:\/\/127\.0\.0\.1:\d+\/hub-test\/tiny-gpt2-bin\/resolve\/[0-9a-f]{40}\/pytorch_model\.bin was interrupted after 0 of 255953 bytes \(3 attempts without progress\): /);
  });

  it('requests nothing after a refused config.json', async () => {
    const refused = await failure(load('hub-test/refused-config', {}, {
      onConfig: (json) => {
        throw new Error(`model_type ${JSON.stringify((json as { model_type: string }).model_type)} is not supported`);
      },
    }));
    expect(refused).toBe('model_type "refused-by-test" is not supported');
    expect(hub.requests().map((r) => r.path.replace(/[0-9a-f]{40}/, '<commit>'))).toEqual([
      '/api/models/hub-test/refused-config/revision/main?blobs=true',
      '/hub-test/refused-config/resolve/<commit>/config.json',
    ]);
  });

  it('reads sharded checkpoints and .bin files, preferring safetensors when both exist', async () => {
    const both = await load('hub-test/tiny-gpt2-both');
    expect(both.weightFiles).toEqual(['model.safetensors']);
    expect(hub.requests().some((r) => r.path.endsWith('pytorch_model.bin'))).toBe(false);
    const sharded = await load('hub-test/tiny-bert-sharded');
    expect(sharded.weightFiles).toEqual(['model.safetensors.index.json', 'model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors']);
    expect([...sharded.weights.hostTensor('bert.encoder.layer.1.output.dense.weight').data]).toEqual([
      ...fixtureTensor('tiny-bert', 'bert.encoder.layer.1.output.dense.weight'),
    ]);
    const vocab = await load('hub-test/tiny-bert-vocab');
    expect(vocab.tokenizer).toBeNull();
    expect(Object.keys(vocab.tokenizerFiles).sort()).toEqual(['tokenizerConfig', 'vocabTxt']);
    expect(vocab.tokenizerFiles.vocabTxt!.split('\n')[101]).toBe('[CLS]');
  });
});

describe('hub-server command line', () => {
  it('prints its URL and serves the given roots', async () => {
    const child = spawn(process.execPath, ['scripts/hub-server.mjs', '--root', primaryRoot, '--port', '0']);
    try {
      const url = await new Promise<string>((done, fail) => {
        child.stdout.once('data', (chunk: Buffer) => done(chunk.toString().trim()));
        child.once('exit', (code) => fail(new Error(`hub-server exited with ${code}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${url}/test-org/tiny-gpt2/resolve/main/config.json`);
      expect(await response.json()).toEqual(config);
    } finally {
      child.kill();
    }
  });

  it('explains bad arguments', async () => {
    const child = spawn(process.execPath, ['scripts/hub-server.mjs', '--port', '80']);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise((done) => child.once('exit', done));
    expect(code).toBe(2);
    expect(stderr).toContain('hub-server: give at least one --root <folder>');
  });
});

describe('loadModelFiles against a dev server that answers every path with index.html', () => {
  let devServer: Server;
  let devUrl: string;

  beforeAll(async () => {
    devServer = createServer((_, response) => {
      response.writeHead(200, { 'content-type': 'text/html' });
      response.end('<!doctype html><html><body><div id="root"></div></body></html>');
    });
    await new Promise<void>((done) => devServer.listen(0, '127.0.0.1', done));
    const address = devServer.address();
    devUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(() => {
    devServer.closeAllConnections();
    devServer.close();
  });

  it('reports the file as not found instead of a JSON error', async () => {
    const pending = loadModelFiles({ kind: 'url', baseUrl: `${devUrl}/models/tiny` }, { cache: null });
    await expect(pending).rejects.toThrow(
      /^config\.json not found at http:\/\/127\.0\.0\.1:\d+\/models\/tiny\/config\.json \(the server answered with an HTML page/,
    );
  });
});

describe('network errors', () => {
  it('explain an unreachable server in plain words', async () => {
    const closed = await startHubServer({ roots: [primaryRoot], port: 0 });
    await closed.close();
    const pending = loadModelFiles({ kind: 'url', baseUrl: `${closed.url}/test-org/tiny-gpt2/resolve/main` }, { cache: null });
    await expect(pending).rejects.toThrow(/^Could not download config\.json from http:\/\/127\.0\.0\.1:\d+\/\S+: the server could not be reached/);
  });
});
