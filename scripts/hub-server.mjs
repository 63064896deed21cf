#!/usr/bin/env node
// A local stand-in for the Hugging Face Hub: serves `/<org>/<name>/resolve/<revision>/<file>` and
// `/<name>/resolve/<revision>/<file>` from one or more folders laid out as `<root>/<org>/<name>/<file>`
// (or `<root>/<name>/<file>`). The revision is ignored. No dependencies, so tests and e2e runs can import it.
//
//   node scripts/hub-server.mjs --root test/fixtures/models --root ../shared/data/hf-reference --port 0
//
// The app is cross-origin isolated (COEP require-corp), so every answer carries CORS and CORP headers.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

const CONTENT_TYPES = {
  json: 'application/json',
  safetensors: 'application/octet-stream',
  txt: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
  model: 'application/octet-stream',
};

const SHARED_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': 'content-length',
  'cross-origin-resource-policy': 'cross-origin',
};

const SAFE_SEGMENT = /^(?!\.{1,2}$)[\w.-]+$/;

/** `/org/name/resolve/rev/file` or `/name/resolve/rev/file` -> path segments under a root, or null. */
function repoFileSegments(pathname) {
  let segments;
  try {
    segments = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return null;
  }
  const resolveAt = segments.indexOf('resolve');
  if (resolveAt !== 1 && resolveAt !== 2) return null;
  const repo = segments.slice(0, resolveAt);
  const file = segments.slice(resolveAt + 2);
  if (file.length === 0 || ![...repo, ...file].every((segment) => SAFE_SEGMENT.test(segment))) return null;
  return [...repo, ...file];
}

async function findFile(roots, segments) {
  for (const root of roots) {
    const path = resolve(root, ...segments);
    if (!path.startsWith(resolve(root) + sep)) continue;
    const info = await stat(path).catch(() => null);
    if (info?.isFile()) return { path, size: info.size, mtime: info.mtime };
  }
  return null;
}

function contentTypeOf(path) {
  const extension = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}

function answer(response, status, text, method) {
  response.writeHead(status, { ...SHARED_HEADERS, 'content-type': 'text/plain; charset=utf-8' });
  response.end(method === 'HEAD' ? undefined : text);
}

async function handle(roots, request, response) {
  const method = request.method ?? 'GET';
  if (method === 'OPTIONS') {
    response.writeHead(204, { ...SHARED_HEADERS, 'access-control-allow-methods': 'GET, HEAD, OPTIONS' });
    response.end();
    return;
  }
  if (method !== 'GET' && method !== 'HEAD') return answer(response, 405, 'Method not allowed', method);
  const segments = repoFileSegments(new URL(request.url ?? '/', 'http://hub.local').pathname);
  const found = segments && (await findFile(roots, segments));
  if (!found) return answer(response, 404, 'Entry not found', method);
  response.writeHead(200, {
    ...SHARED_HEADERS,
    'content-type': contentTypeOf(found.path),
    'content-length': String(found.size),
    'last-modified': found.mtime.toUTCString(),
  });
  if (method === 'HEAD') return response.end();
  createReadStream(found.path)
    .on('error', () => response.destroy())
    .pipe(response);
}

/** Starts serving; `port: 0` picks a free port. Resolves once listening. */
export async function startHubServer({ roots, port = 0, host = '127.0.0.1' }) {
  if (!Array.isArray(roots) || roots.length === 0) throw new Error('startHubServer needs at least one root folder');
  const resolvedRoots = roots.map((root) => resolve(root));
  const server = createServer((request, response) => {
    handle(resolvedRoots, request, response).catch(() => answer(response, 500, 'Internal error', request.method));
  });
  await new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, done);
  });
  const address = server.address();
  const url = `http://${host}:${address.port}`;
  const close = () => {
    server.closeAllConnections();
    return new Promise((done) => server.close(() => done()));
  };
  return { url, close };
}

const USAGE = 'usage: node scripts/hub-server.mjs --root <folder> [--root <folder>] [--port 8000] [--host 127.0.0.1]';

function parseArguments(args) {
  const options = { roots: [], port: 8000, host: '127.0.0.1' };
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--root') options.roots.push(value);
    else if (flag === '--port') options.port = Number(value);
    else if (flag === '--host') options.host = value;
    else throw new Error(`unknown option ${flag}`);
  }
  if (options.roots.length === 0) throw new Error('give at least one --root <folder>');
  if (!Number.isInteger(options.port) || options.port < 0) {
    throw new Error('--port must be a port number (0: any free port)');
  }
  return options;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let options;
  try {
    options = parseArguments(process.argv.slice(2));
  } catch (error) {
    console.error(`hub-server: ${error.message}\n${USAGE}`);
    process.exit(2);
  }
  const { url } = await startHubServer(options);
  console.log(url);
  console.error(`hub-server: serving ${options.roots.join(', ')} as <org>/<name>/resolve/main/<file>`);
}
