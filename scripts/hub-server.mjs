#!/usr/bin/env node
// A local stand-in for the Hugging Face Hub, close enough to the real one that the app's loader meets the same
// answers: two origins (the Hub and a CDN), revisions, gated and private repos, LFS redirects, ranges, ETags, the
// Hub's error headers, and faults on demand. No dependencies, so tests and e2e runs can import it.
//
//   node scripts/hub-server.mjs --root test/fixtures/models --root test/fixtures/hub --port 4180 [--cdn-port 4181]
//
// Repos are folders `<root>/<org>/<name>/` or `<root>/<name>/`; the first root that has one wins. A plain folder is
// one snapshot, the branch `main`. A folder with a `hub-repo.json` manifest describes more:
//   { "files": { "<path in repo>": "<file, relative to the manifest>" },      one snapshot (main) of those files
//     "snapshots": { "<snapshot>": { "<path>": "<file>" } }, "refs": { "main": "<snapshot>", "v2": … },
//     "gated": "manual" | "auto", "private": true, "tokens": ["<token with access>"] }
// Manifest files may point into any root (fixtures reuse each other's weights instead of copying them).
//
// Endpoints, as the real Hub serves them (huggingface_hub's file_download.py and hf_api.py talk to the same):
//   GET|HEAD /<repo>/resolve/<revision>/<path>      revision: a ref (branch, tag, refs/pr/N, URL-encoded) or a
//            full commit hash. Files tracked by LFS on the Hub (weights: .safetensors, .bin, .pt, .h5, .onnx, …)
//            answer 302 to a signed URL on the CDN origin, with X-Repo-Commit, X-Linked-Etag and X-Linked-Size;
//            other files answer 200 with ETag (the git blob id) and X-Repo-Commit. Both honour Range (206).
//   GET /api/models/<repo>[/revision/<revision>]    model info: { id, sha, private, gated, siblings: [{ rfilename,
//            size, blobId, lfs? }] } (sizes always included, as the Hub does with ?blobs=true)
//   GET /api/models/<repo>/tree/<revision>          [{ type: "file", path, size, oid, lfs? }]
// Errors carry X-Error-Code and X-Error-Message as on the Hub: RepoNotFound (401; also for a private repo without
// a valid token), GatedRepo (401 without a token, 403 with one that has no access), RevisionNotFound (404),
// EntryNotFound (404). Every answer on both origins carries CORS (exposing the headers above) and CORP headers, so
// the cross-origin-isolated app can read them.
//
// Test controls on the Hub origin (JSON bodies): POST /_admin/refs { repo, ref, snapshot } repoints a branch;
// POST /_admin/cut { file, repo?, afterBytes, times } cuts the next `times` transfers of that file after
// `afterBytes` bytes; GET /_admin/log lists requests to both origins ({ origin, method, path, range, authorization:
// present or not, status }); POST /_admin/reset restores refs and clears cuts and the log. The same controls are
// methods of the object startHubServer returns.

import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

const CONTENT_TYPES = {
  json: 'application/json',
  txt: 'text/plain; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
};

/** Extensions the Hub's default .gitattributes stores with LFS (weights and archives). */
const LFS_EXTENSIONS = new Set(['safetensors', 'bin', 'pt', 'pth', 'ckpt', 'h5', 'msgpack', 'onnx', 'model', 'gguf', 'zip', 'npz', 'tflite', 'ot']);

const EXPOSED_HEADERS =
  'X-Repo-Commit,X-Request-Id,X-Error-Code,X-Error-Message,X-Total-Count,ETag,Link,Accept-Ranges,Content-Range,' +
  'Content-Length,X-Linked-Size,X-Linked-ETag';

const CORS_HEADERS = {
  'access-control-allow-origin': '*',
  'access-control-expose-headers': EXPOSED_HEADERS,
  'cross-origin-resource-policy': 'cross-origin',
};

const PREFLIGHT_HEADERS = {
  ...CORS_HEADERS,
  'access-control-allow-methods': 'GET, HEAD, OPTIONS',
  'access-control-allow-headers': 'authorization, range, if-none-match, if-modified-since, if-range, content-type',
  'access-control-max-age': '86400',
};

const SAFE_SEGMENT = /^(?!\.{1,2}$)[\w.-]+$/;
const COMMIT = /^[0-9a-f]{40}$/;
const MANIFEST = 'hub-repo.json';

function contentTypeOf(path) {
  const extension = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}

function isLfs(path) {
  return LFS_EXTENSIONS.has(path.slice(path.lastIndexOf('.') + 1).toLowerCase());
}

function decodeSegments(pathname) {
  try {
    return pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return null;
  }
}

/** Hashes of files, computed once per (path, size, mtime). */
class HashCache {
  #entries = new Map();

  async of(path, info) {
    const key = `${path}\0${info.size}\0${info.mtimeMs}`;
    let entry = this.#entries.get(key);
    if (!entry) {
      const content = await readFile(path);
      const blob = createHash('sha1').update(`blob ${content.length}\0`).update(content).digest('hex');
      entry = { sha256: createHash('sha256').update(content).digest('hex'), blobId: blob };
      this.#entries.set(key, entry);
    }
    return entry;
  }
}

class Hub {
  constructor(roots, secret) {
    this.roots = roots;
    this.secret = secret;
    this.hashes = new HashCache();
    this.refOverrides = new Map(); // repo -> Map(ref -> snapshot)
    this.cuts = [];
    this.log = [];
    this.lfsBySha = new Map(); // sha256 -> { path, size, name }
  }

  reset() {
    this.refOverrides.clear();
    this.cuts = [];
    this.log = [];
  }

  /** The repo folder for `segments` (1 or 2 of them), or null. */
  async findRepoFolder(segments) {
    if (!segments.every((segment) => SAFE_SEGMENT.test(segment))) return null;
    for (const root of this.roots) {
      const folder = resolve(root, ...segments);
      if (!folder.startsWith(root + sep)) continue;
      const info = await stat(folder).catch(() => null);
      if (info?.isDirectory()) return folder;
    }
    return null;
  }

  /** A repo's description: access rules, snapshots (path -> file on disk) with their commits, and refs. */
  async loadRepo(id, folder) {
    const manifestPath = join(folder, MANIFEST);
    const manifestText = await readFile(manifestPath, 'utf8').catch(() => null);
    let manifest = { files: null };
    if (manifestText !== null) manifest = JSON.parse(manifestText);
    const rawSnapshots = manifest.snapshots ?? { main: manifest.files ?? (await this.folderFiles(folder)) };
    const snapshots = new Map();
    for (const [name, files] of Object.entries(rawSnapshots)) {
      const entries = new Map();
      for (const [path, file] of Object.entries(files)) {
        const absolute = resolve(folder, file);
        if (!this.roots.some((root) => absolute.startsWith(root + sep))) throw new Error(`${manifestPath}: ${file} is outside the roots`);
        const info = await stat(absolute);
        entries.set(path, { path: absolute, size: info.size, mtimeMs: info.mtimeMs });
      }
      const listing = [...entries].sort(([a], [b]) => (a < b ? -1 : 1)).map(([path, f]) => `${path}\0${f.size}\0${f.mtimeMs}`);
      const commit = createHash('sha1').update(`${id}\0${name}\0${listing.join('\0')}`).digest('hex');
      snapshots.set(name, { name, commit, files: entries });
    }
    const refs = new Map(Object.entries(manifest.refs ?? { main: [...snapshots.keys()][0] }));
    for (const [ref, snapshot] of this.refOverrides.get(id) ?? []) refs.set(ref, snapshot);
    return {
      id,
      gated: manifest.gated ?? false,
      private: manifest.private === true,
      tokens: manifest.tokens ?? [],
      snapshots,
      refs,
    };
  }

  async folderFiles(folder, prefix = '') {
    const files = {};
    for (const entry of await readdir(join(folder, prefix), { withFileTypes: true })) {
      const path = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.name.startsWith('.') || path === MANIFEST) continue;
      if (entry.isDirectory() && prefix.split('/').length < 3) Object.assign(files, await this.folderFiles(folder, path));
      else if (entry.isFile()) files[path] = path;
    }
    return files;
  }

  snapshotAt(repo, revision) {
    if (repo.refs.has(revision)) return repo.snapshots.get(repo.refs.get(revision)) ?? null;
    if (COMMIT.test(revision)) return [...repo.snapshots.values()].find((snapshot) => snapshot.commit === revision) ?? null;
    return null;
  }

  /** null when the request may read the repo, else the error to answer. */
  accessError(repo, authorization) {
    const token = /^Bearer (.+)$/.exec(authorization ?? '')?.[1];
    const granted = token !== undefined && repo.tokens.includes(token);
    if (repo.private && !granted) {
      return token === undefined
        ? hubError(401, 'RepoNotFound', 'Repository not found')
        : hubError(404, 'RepoNotFound', 'Repository not found');
    }
    if (repo.gated && !granted) {
      return token === undefined
        ? hubError(401, 'GatedRepo', `Access to model ${repo.id} is restricted. You must have access to it and be authenticated to access it. Please log in.`)
        : hubError(403, 'GatedRepo', `Access to model ${repo.id} is restricted and you are not in the authorized list. Visit ${'/' + repo.id} to ask for access.`);
    }
    return null;
  }

  signedCdnPath(sha256, name) {
    const expires = Math.floor(Date.now() / 1000) + 3600;
    const path = `/lfs/${sha256}`;
    const signature = createHmac('sha256', this.secret).update(`${path}\0${expires}`).digest('hex');
    return `${path}?name=${encodeURIComponent(name)}&expires=${expires}&signature=${signature}`;
  }

  checkSignature(path, query) {
    const expires = Number(query.get('expires'));
    const expected = createHmac('sha256', this.secret).update(`${path}\0${expires}`).digest('hex');
    if (query.get('signature') !== expected) return 'Invalid signature';
    if (!(expires > Date.now() / 1000)) return 'Request has expired';
    return null;
  }

  takeCut(repo, file) {
    const cut = this.cuts.find((c) => c.times > 0 && c.file === file && (c.repo === undefined || c.repo === repo));
    if (!cut) return null;
    cut.times--;
    return cut.afterBytes;
  }
}

function hubError(status, code, message) {
  return { status, code, message };
}

/** Answers and returns the status (for the request log). */
function send(response, status, headers, body, method) {
  response.writeHead(status, { ...CORS_HEADERS, ...headers });
  response.end(method === 'HEAD' ? undefined : body);
  return status;
}

function sendError(response, error, method, extraHeaders = {}) {
  const body = JSON.stringify({ error: error.message });
  return send(
    response,
    error.status,
    {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'x-error-code': error.code,
      'x-error-message': error.message,
      ...(error.status === 401 ? { 'www-authenticate': 'Bearer realm="Authentication required", charset="UTF-8"' } : {}),
      ...extraHeaders,
    },
    body,
    method,
  );
}

function sendJson(response, value, method, headers = {}) {
  const body = JSON.stringify(value);
  return send(response, 200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers }, body, method);
}

/** Streams a file, whole or one `Range: bytes=a-b` slice; a cut destroys the socket after `cutAfter` bytes. */
function sendFile(request, response, file, headers, cutAfter) {
  const method = request.method;
  const range = parseRange(request.headers.range, file.size);
  if (range === 'invalid') {
    return send(response, 416, { 'content-range': `bytes */${file.size}`, 'content-type': 'text/plain' }, 'Range Not Satisfiable', method);
  }
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch && headers.etag && ifNoneMatch.split(/\s*,\s*/).includes(headers.etag) && !range) {
    return send(response, 304, headers, undefined, method);
  }
  const [start, end] = range ?? [0, file.size - 1];
  const length = file.size === 0 ? 0 : end - start + 1;
  const status = range ? 206 : 200;
  response.writeHead(status, {
    ...CORS_HEADERS,
    ...headers,
    'accept-ranges': 'bytes',
    'content-length': String(length),
    ...(range ? { 'content-range': `bytes ${start}-${end}/${file.size}` } : {}),
  });
  if (method === 'HEAD' || length === 0) {
    response.end();
    return status;
  }
  const stream = createReadStream(file.path, { start, end });
  if (cutAfter === null || cutAfter === undefined) {
    stream.on('error', () => response.destroy()).pipe(response);
    return status;
  }
  // Let the bytes sent leave, then drop the connection mid-body, as a failing network does.
  const drop = () => {
    stream.destroy();
    response.flushHeaders();
    setTimeout(() => response.socket?.destroy(), 20);
  };
  if (cutAfter === 0) {
    drop();
    return status;
  }
  let sent = 0;
  stream.on('data', (chunk) => {
    if (sent >= cutAfter) return;
    const part = chunk.subarray(0, cutAfter - sent);
    sent += part.length;
    response.write(part);
    if (sent >= cutAfter) drop();
  });
  stream.on('end', () => response.end());
  stream.on('error', () => response.destroy());
  return status;
}

function parseRange(header, size) {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return 'invalid';
  let start;
  let end;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start >= size || start > end) return 'invalid';
  return [start, end];
}

async function readJsonBody(request) {
  const chunks = [];
  for await (const chunk of request) chunks.push(chunk);
  return chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {};
}

/** `/api/models/<repo…>/revision/<rev>`, `/api/models/<repo…>/tree/<rev>`, `/api/models/<repo…>`. */
function parseApiPath(segments) {
  const rest = segments.slice(2);
  for (const kind of ['revision', 'tree']) {
    const at = rest.indexOf(kind);
    if (at === 1 || at === 2) {
      return { repo: rest.slice(0, at), kind, revision: rest.slice(at + 1).join('/') || 'main' };
    }
  }
  return rest.length === 1 || rest.length === 2 ? { repo: rest, kind: 'revision', revision: 'main' } : null;
}

async function handleHub(hub, cdnUrl, request, response) {
  const method = request.method ?? 'GET';
  const url = new URL(request.url ?? '/', 'http://hub.local');
  const segments = decodeSegments(url.pathname);
  if (method === 'OPTIONS') return send(response, 204, PREFLIGHT_HEADERS, undefined, method);
  if (segments?.[0] === '_admin') return handleAdmin(hub, segments[1], request, response);
  if (method !== 'GET' && method !== 'HEAD') return send(response, 405, { 'content-type': 'text/plain' }, 'Method not allowed', method);
  if (!segments) return sendError(response, hubError(404, 'EntryNotFound', 'Entry not found'), method);

  const api = segments[0] === 'api' && segments[1] === 'models' ? parseApiPath(segments) : null;
  const resolveAt = segments.indexOf('resolve');
  const repoSegments = api ? api.repo : resolveAt === 1 || resolveAt === 2 ? segments.slice(0, resolveAt) : null;
  if (!repoSegments || (!api && segments.length < resolveAt + 3)) {
    return send(response, 404, { 'content-type': 'text/plain' }, 'Not found', method);
  }
  const id = repoSegments.join('/');
  const folder = await hub.findRepoFolder(repoSegments);
  if (!folder) return sendError(response, hubError(401, 'RepoNotFound', 'Repository not found'), method);
  const repo = await hub.loadRepo(id, folder);
  const authorization = request.headers.authorization;
  const revision = api ? api.revision : segments[resolveAt + 1];

  if (api) {
    // Model info is public for gated repos (as on the Hub); private ones need the token.
    const denied = hub.accessError(repo, authorization);
    if (denied && !(repo.gated && !repo.private)) return sendError(response, denied, method);
    const snapshot = hub.snapshotAt(repo, revision);
    if (!snapshot) return sendError(response, hubError(404, 'RevisionNotFound', `Invalid rev id: ${revision}`), method);
    const files = await Promise.all(
      [...snapshot.files].map(async ([path, file]) => {
        const hashes = await hub.hashes.of(file.path, file);
        const lfs = isLfs(path) ? { sha256: hashes.sha256, size: file.size, pointerSize: 134 } : undefined;
        return { path, size: file.size, blobId: hashes.blobId, lfs };
      }),
    );
    if (api.kind === 'tree') {
      const tree = files.map((f) => ({ type: 'file', path: f.path, size: f.size, oid: f.blobId, ...(f.lfs ? { lfs: { oid: f.lfs.sha256, size: f.size, pointerSize: 134 } } : {}) }));
      return sendJson(response, tree, method);
    }
    return sendJson(response, {
      _id: snapshot.commit.slice(0, 24),
      id,
      modelId: id,
      sha: snapshot.commit,
      private: repo.private,
      gated: repo.gated,
      siblings: files.map((f) => ({ rfilename: f.path, size: f.size, blobId: f.blobId, ...(f.lfs ? { lfs: f.lfs } : {}) })),
    }, method, { 'x-repo-commit': snapshot.commit });
  }

  const denied = hub.accessError(repo, authorization);
  if (denied) return sendError(response, denied, method);
  const snapshot = hub.snapshotAt(repo, revision);
  if (!snapshot) return sendError(response, hubError(404, 'RevisionNotFound', `Invalid rev id: ${revision}`), method);
  const path = segments.slice(resolveAt + 2).join('/');
  const file = snapshot.files.get(path);
  const commitHeaders = { 'x-repo-commit': snapshot.commit };
  if (!file) return sendError(response, hubError(404, 'EntryNotFound', 'Entry not found'), method, commitHeaders);
  const hashes = await hub.hashes.of(file.path, file);
  if (isLfs(path)) {
    hub.lfsBySha.set(hashes.sha256, { ...file, name: path.split('/').pop(), repo: id });
    const location = cdnUrl + hub.signedCdnPath(hashes.sha256, path.split('/').pop());
    return send(response, 302, {
      ...commitHeaders,
      location,
      etag: `"${hashes.blobId}"`,
      'x-linked-etag': `"${hashes.sha256}"`,
      'x-linked-size': String(file.size),
      'content-type': 'text/plain; charset=utf-8',
    }, `Found. Redirecting to ${location}`, method);
  }
  return sendFile(request, response, file, { ...commitHeaders, etag: `"${hashes.blobId}"`, 'content-type': contentTypeOf(path) }, method === 'GET' ? hub.takeCut(id, path) : null);
}

async function handleCdn(hub, request, response) {
  const method = request.method ?? 'GET';
  if (method === 'OPTIONS') return send(response, 204, PREFLIGHT_HEADERS, undefined, method);
  if (method !== 'GET' && method !== 'HEAD') return send(response, 405, { 'content-type': 'text/plain' }, 'Method not allowed', method);
  const url = new URL(request.url ?? '/', 'http://cdn.local');
  const match = /^\/lfs\/([0-9a-f]{64})$/.exec(url.pathname);
  const file = match && hub.lfsBySha.get(match[1]);
  if (!file) return send(response, 404, { 'content-type': 'text/plain' }, 'NoSuchKey', method);
  const problem = hub.checkSignature(url.pathname, url.searchParams);
  if (problem) return send(response, 403, { 'content-type': 'text/plain' }, problem, method);
  const cut = method === 'GET' ? hub.takeCut(file.repo, file.name) : null;
  return sendFile(request, response, file, { etag: `"${match[1]}"`, 'content-type': 'application/octet-stream' }, cut);
}

async function handleAdmin(hub, action, request, response) {
  const method = request.method ?? 'GET';
  try {
    if (action === 'log' && method === 'GET') return sendJson(response, hub.log, method);
    if (method !== 'POST') return send(response, 405, { 'content-type': 'text/plain' }, 'POST', method);
    const body = await readJsonBody(request);
    if (action === 'refs') adminSetRef(hub, body);
    else if (action === 'cut') adminCut(hub, body);
    else if (action === 'reset') hub.reset();
    else if (action === 'clear-log') hub.log = [];
    else return send(response, 404, { 'content-type': 'text/plain' }, `unknown admin action ${action}`, method);
    return sendJson(response, { ok: true }, method);
  } catch (error) {
    return send(response, 400, { 'content-type': 'text/plain' }, error.message, method);
  }
}

function adminSetRef(hub, { repo, ref, snapshot }) {
  if (typeof repo !== 'string' || typeof ref !== 'string' || typeof snapshot !== 'string') {
    throw new Error('refs needs { repo, ref, snapshot }');
  }
  const overrides = hub.refOverrides.get(repo) ?? new Map();
  overrides.set(ref, snapshot);
  hub.refOverrides.set(repo, overrides);
}

function adminCut(hub, { file, repo, afterBytes, times = 1 }) {
  if (typeof file !== 'string' || !Number.isInteger(afterBytes) || afterBytes < 0 || !Number.isInteger(times)) {
    throw new Error('cut needs { file, afterBytes, times?, repo? }');
  }
  hub.cuts.push({ file, repo, afterBytes, times });
}

function logged(hub, origin, handler) {
  return (request, response) => {
    const entry = {
      at: Date.now(),
      origin,
      method: request.method,
      path: (request.url ?? '/').replace(/([?&]signature=)[0-9a-f]+/, '$1…'),
      range: request.headers.range ?? null,
      authorization: request.headers.authorization !== undefined,
      status: 0,
    };
    const isAdmin = entry.path.startsWith('/_admin');
    if (!isAdmin) hub.log.push(entry);
    handler(request, response)
      .then((status) => (entry.status = status ?? response.statusCode))
      .catch((error) => {
        entry.status = 500;
        if (!response.headersSent) send(response, 500, { 'content-type': 'text/plain' }, `Internal error: ${error.message}`, request.method);
        else response.destroy();
      });
  };
}

async function listen(server, port, host) {
  await new Promise((done, fail) => {
    server.once('error', fail);
    server.listen(port, host, done);
  });
  return `http://${host}:${server.address().port}`;
}

/** Starts the Hub and its CDN; `port: 0` picks free ports. Resolves once both listen. */
export async function startHubServer({ roots, port = 0, cdnPort, host = '127.0.0.1' }) {
  if (!Array.isArray(roots) || roots.length === 0) throw new Error('startHubServer needs at least one root folder');
  const hub = new Hub(roots.map((root) => resolve(root)), randomBytes(16));
  const cdnServer = createServer(logged(hub, 'cdn', (request, response) => handleCdn(hub, request, response)));
  const cdnUrl = await listen(cdnServer, cdnPort ?? (port === 0 ? 0 : port + 1), host);
  const hubServer = createServer(logged(hub, 'hub', (request, response) => handleHub(hub, cdnUrl, request, response)));
  const url = await listen(hubServer, port, host);
  const close = async () => {
    for (const server of [hubServer, cdnServer]) {
      server.closeAllConnections();
      await new Promise((done) => server.close(() => done()));
    }
  };
  return {
    url,
    cdnUrl,
    close,
    setRef: (repo, ref, snapshot) => adminSetRef(hub, { repo, ref, snapshot }),
    cut: (options) => adminCut(hub, options),
    requests: () => [...hub.log],
    clearRequests: () => void (hub.log = []),
    reset: () => hub.reset(),
  };
}

const USAGE =
  'usage: node scripts/hub-server.mjs --root <folder> [--root <folder>] [--port 8000] [--cdn-port <port+1>] [--host 127.0.0.1]';

function parseArguments(args) {
  const options = { roots: [], port: 8000, host: '127.0.0.1' };
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--root') options.roots.push(value);
    else if (flag === '--port') options.port = Number(value);
    else if (flag === '--cdn-port') options.cdnPort = Number(value);
    else if (flag === '--host') options.host = value;
    else throw new Error(`unknown option ${flag}`);
  }
  if (options.roots.length === 0) throw new Error('give at least one --root <folder>');
  for (const [flag, value] of [['--port', options.port], ['--cdn-port', options.cdnPort ?? 0]]) {
    if (!Number.isInteger(value) || value < 0) throw new Error(`${flag} must be a port number (0: any free port)`);
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
  const { url, cdnUrl } = await startHubServer(options);
  console.log(url);
  console.error(`hub-server: serving ${options.roots.join(', ')} as <org>/<name>/resolve/<revision>/<file>; LFS files redirect to ${cdnUrl}`);
}
