import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHubServer, type HubServer } from '../../scripts/hub-server.mjs';
import { writeSafetensors } from '../../src/weights/safetensors-writer';
import { SafetensorsFile } from '../../src/weights/safetensors';
import { loadModelFiles } from '../../src/weights/sources';
import { syntheticGpt2Config, syntheticGpt2Tensors } from '../../src/weights/synthetic-checkpoints';

const config = { ...syntheticGpt2Config().raw };
const safetensors = writeSafetensors(syntheticGpt2Tensors(syntheticGpt2Config()), { format: 'pt' });

let primaryRoot: string;
let secondaryRoot: string;
let hub: HubServer;

function writeModel(dir: string, files: Record<string, string | Uint8Array>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
}

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
  hub = await startHubServer({ roots: [primaryRoot, secondaryRoot], port: 0 });
});

afterAll(async () => {
  await hub?.close();
  rmSync(primaryRoot, { recursive: true, force: true });
  rmSync(secondaryRoot, { recursive: true, force: true });
});

describe('hub-server', () => {
  it('serves <org>/<name> and <name> layouts with CORS and CORP headers', async () => {
    const response = await fetch(`${hub.url}/test-org/tiny-gpt2/resolve/main/config.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual(config);
    const second = await fetch(`${hub.url}/only-second/resolve/some-revision/config.json`);
    expect(await second.json()).toEqual({ from: 'second' });
  });

  it('answers HEAD with the size and no body', async () => {
    const response = await fetch(`${hub.url}/test-org/tiny-gpt2/resolve/main/model.safetensors`, { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(safetensors.length));
    expect((await response.arrayBuffer()).byteLength).toBe(0);
  });

  it.each([
    '/test-org/tiny-gpt2/resolve/main/missing.json',
    '/nobody/resolve/main/config.json',
    '/test-org/tiny-gpt2/config.json',
    '/test-org/tiny-gpt2/resolve/main/',
    '/test-org/..%2F..%2Fetc/resolve/main/passwd',
    '/a/b/c/resolve/main/config.json',
  ])('answers 404 for %s', async (path) => {
    const response = await fetch(hub.url + path);
    expect(response.status).toBe(404);
    expect(response.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
  });

  it('is a Hub endpoint for loadModelFiles', async () => {
    const source = { kind: 'hub', id: 'test-org/tiny-gpt2', endpoint: hub.url } as const;
    const loaded = await loadModelFiles(source, { cache: null });
    expect(loaded.config).toEqual(config);
    expect((loaded.weights as SafetensorsFile).bytes).toEqual(safetensors);
    expect(loaded.tokenizer).toEqual({ version: '1.0' });
  });

  it('makes loadModelFiles name a missing file and its URL', async () => {
    const source = { kind: 'hub', id: 'no-config', endpoint: hub.url } as const;
    await expect(loadModelFiles(source, { cache: null })).rejects.toThrow(
      `config.json not found at ${hub.url}/no-config/resolve/main/config.json (HTTP 404 Not Found)`,
    );
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
    const load = loadModelFiles({ kind: 'url', baseUrl: `${devUrl}/models/tiny` }, { cache: null });
    await expect(load).rejects.toThrow(
      /^(config\.json|model\.safetensors) not found at http:\/\/127\.0\.0\.1:\d+\/models\/tiny\/\S+ \(the server answered with an HTML page/,
    );
  });
});

describe('network errors', () => {
  it('explain an unreachable server in plain words', async () => {
    const closed = await startHubServer({ roots: [primaryRoot], port: 0 });
    await closed.close();
    const load = loadModelFiles({ kind: 'hub', id: 'test-org/tiny-gpt2', endpoint: closed.url }, { cache: null });
    await expect(load).rejects.toThrow(/^Could not download \S+ from http:\/\/127\.0\.0\.1:\d+\/\S+: the server could not be reached/);
  });
});
