// One model file over HTTP: streamed with progress, resumed with Range requests when the connection drops (with
// backoff, as huggingface_hub's http_get does), and checked to be the file that was asked for. Dev servers (Vite's
// among them) answer unknown paths with index.html and status 200, so status alone proves nothing.

import { WeightsError } from './errors';
import { ByteCollector } from './read-stream';
import { MAX_HEADER_BYTES } from './safetensors';

const HTML_FALLBACK = 'the server answered with an HTML page, as dev servers do for unknown paths';

export type FetchFunction = (url: string, init?: RequestInit) => Promise<Response>;

/** Thrown for a file the server does not have: a caller may treat an optional file as absent. */
export class FileNotFoundError extends WeightsError {
  constructor(file: string, url: string, reason: string) {
    super(`${file} not found at ${url} (${reason})`, file);
  }
}

/** The server could not be reached at all (offline, refused, blocked by CORS): a cached copy may stand in. */
export class NetworkError extends WeightsError {
  constructor(file: string, url: string, cause: unknown) {
    super(
      `Could not download ${file} from ${url}: the server could not be reached (offline, wrong address, server ` +
        `not running, or it does not allow cross-origin requests). ${describe(cause)}`,
      file,
    );
  }
}

export interface RetryPolicy {
  /** Attempts in a row that bring no new byte before giving up (huggingface_hub: 5). */
  attempts: number;
  /** The first wait; each further wait doubles, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 5, baseDelayMs: 500, maxDelayMs: 8000 };

export interface DownloadRequest {
  file: string; // the file's name, for messages and for the content check (".json", ".safetensors", ".bin")
  url: string;
  fetch: FetchFunction;
  signal?: AbortSignal;
  /** Sent with every request for this file (an Authorization header for the Hub's own origin). */
  headers?: Record<string, string>;
  onProgress: (loaded: number, total: number | null) => void;
  retry?: RetryPolicy;
  /** Turns an HTTP error answer into the error to throw (the Hub's X-Error-Code); null: the generic one. */
  explainStatus?: (response: Response, file: string, url: string) => WeightsError | null;
  /** Revalidation of a cached copy: answered 304, the download resolves `{ notModified: true }`. */
  validators?: { etag?: string | null; lastModified?: string | null };
}

export interface DownloadedFile {
  notModified: false;
  bytes: Uint8Array;
  contentType: string;
  etag: string | null;
  lastModified: string | null;
  /** X-Repo-Commit of the answer that carried the body, when the server says (the Hub does for small files). */
  commit: string | null;
}

export async function downloadFile(request: DownloadRequest): Promise<DownloadedFile | { notModified: true }> {
  const { file, url, signal } = request;
  const retry = request.retry ?? DEFAULT_RETRY;
  const first = await fetchWithRetry(request, conditionalHeaders(request.validators), retry);
  if (first.status === 304) {
    await first.body?.cancel();
    return { notModified: true };
  }
  checkStatus(first, request);
  const contentType = first.headers.get('content-type') ?? '';
  if (contentType.includes('text/html')) {
    await first.body?.cancel();
    throw new FileNotFoundError(file, url, HTML_FALLBACK);
  }
  const total = announcedLength(first);
  const etag = first.headers.get('etag');
  const body = new Body(total);
  request.onProgress(0, total);
  let response: Response = first;
  let failures = 0;
  let furthest = 0; // the most bytes any attempt reached: a restart from zero is not progress
  for (;;) {
    let problem: unknown = null;
    try {
      await body.readFrom(response, (loaded) => request.onProgress(loaded, total));
      if (total === null || body.loaded >= total) break;
      problem = new Error(`the connection closed after ${body.loaded} of ${total} bytes`);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (error instanceof WeightsError) throw error;
      problem = error;
    }
    // The transfer dropped. Resume from the bytes we have, unless the size is unknown (then nothing can be resumed).
    failures = body.loaded > furthest ? 1 : failures + 1;
    furthest = Math.max(furthest, body.loaded);
    if (total === null || failures >= retry.attempts) {
      const got = total === null ? `${body.loaded} bytes` : `${body.loaded} of ${total} bytes`;
      const tries = failures === 1 ? '' : ` (${failures} attempts without progress)`;
      throw new WeightsError(
        `The download of ${file} from ${url} was interrupted after ${got}${tries}: ${describe(problem)}. ` +
          `Check the connection and load the model again.`,
        file,
      );
    }
    await wait(backoff(retry, failures - 1), signal);
    // No If-Range: it is not a CORS-safelisted header, and a preflight the CDN refuses would make resuming impossible.
    // The file's identity is checked by its total size and, where readable, its ETag.
    response = await fetchWithRetry(request, { range: `bytes=${body.loaded}-` }, retry);
    if (response.status === 416) {
      await response.body?.cancel();
      throw new WeightsError(
        `The download of ${file} from ${url} stopped at ${body.loaded} of ${total} bytes and the server refuses the ` +
          `rest (HTTP 416): the file is shorter than announced, or it changed`,
        file,
      );
    }
    checkStatus(response, request);
    if (response.status === 206) {
      const range = parseContentRange(response.headers.get('content-range'));
      const resumedEtag = response.headers.get('etag');
      const changed = etag !== null && resumedEtag !== null && resumedEtag !== etag;
      if (!range || range.start !== body.loaded || changed || (range.total !== null && range.total !== total)) {
        await response.body?.cancel();
        throw new WeightsError(
          `The download of ${file} from ${url} could not be resumed: the server sent bytes ` +
            `${response.headers.get('content-range') ?? '(no Content-Range)'} for a request from byte ${body.loaded}`,
          file,
        );
      }
    } else {
      body.restart(); // the server ignored the range: start over
    }
  }
  const bytes = body.bytes();
  checkLooksLike(file, url, bytes);
  return {
    notModified: false,
    bytes,
    contentType,
    etag,
    lastModified: first.headers.get('last-modified'),
    commit: first.headers.get('x-repo-commit'),
  };
}

/** A response body read into a ByteCollector, with progress after every chunk. */
class Body extends ByteCollector {
  async readFrom(response: Response, onBytes: (loaded: number) => void): Promise<void> {
    if (!response.body) {
      this.append(new Uint8Array(await response.arrayBuffer()));
      onBytes(this.loaded);
      return;
    }
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        await this.take(value);
        onBytes(this.loaded);
      }
    } finally {
      reader.releaseLock();
    }
  }
}

/** One request, retried with backoff while the server cannot be reached at all; HTTP answers come back as they are. */
async function fetchWithRetry(request: DownloadRequest, extra: Record<string, string>, retry: RetryPolicy): Promise<Response> {
  const { file, url, signal } = request;
  for (let attempt = 0; ; attempt++) {
    try {
      return await request.fetch(url, { signal, headers: { ...request.headers, ...extra } });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      // The first failure of a first request means "unreachable": say so at once (a cached copy may stand in).
      if (!('range' in extra) || attempt + 1 >= retry.attempts) throw new NetworkError(file, url, error);
      await wait(backoff(retry, attempt), signal);
    }
  }
}

function conditionalHeaders(validators: DownloadRequest['validators']): Record<string, string> {
  const headers: Record<string, string> = {};
  if (validators?.etag) headers['if-none-match'] = validators.etag;
  else if (validators?.lastModified) headers['if-modified-since'] = validators.lastModified;
  return headers;
}

function checkStatus(response: Response, { file, url, explainStatus }: DownloadRequest): void {
  if (response.ok) return;
  const explained = explainStatus?.(response, file, url);
  void response.body?.cancel().catch(() => undefined);
  if (explained) throw explained;
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  if (response.status === 404 || response.status === 410) throw new FileNotFoundError(file, url, status);
  if (response.status === 401 || response.status === 403) {
    throw new FileNotFoundError(file, url, `${status}: the repository does not exist, or it is private or gated`);
  }
  throw new WeightsError(`Could not download ${file} from ${url}: ${status}`, file);
}

/** The announced size, unless the body is compressed (then Content-Length counts compressed bytes). */
function announcedLength(response: Response): number | null {
  const encoding = response.headers.get('content-encoding');
  if (encoding && encoding !== 'identity') return null;
  const length = Number(response.headers.get('content-length') ?? NaN);
  return Number.isSafeInteger(length) && length >= 0 ? length : null;
}

function parseContentRange(header: string | null): { start: number; total: number | null } | null {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header?.trim() ?? '');
  if (!match) return null;
  return { start: Number(match[1]), total: match[3] === '*' ? null : Number(match[3]) };
}

function backoff(retry: RetryPolicy, attempt: number): number {
  return Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** attempt);
}

function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.throwIfAborted();
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** First-bytes check: an HTML page served in place of the file means the file is not there. */
function checkLooksLike(file: string, url: string, bytes: Uint8Array): void {
  const start = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart().toLowerCase();
  if (start.startsWith('<!doctype') || start.startsWith('<html')) {
    throw new FileNotFoundError(file, url, HTML_FALLBACK);
  }
  if (file.endsWith('.safetensors') && bytes.length >= 9) {
    // A sane header length followed by the header's opening brace; truncation is left to the parser to report.
    const headerLength = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
    if (headerLength > BigInt(MAX_HEADER_BYTES) || bytes[8] !== 0x7b) {
      throw new FileNotFoundError(file, url, 'what the server sent does not start like a safetensors file');
    }
  }
  if (file.endsWith('.bin') && bytes.length >= 4) {
    const zip = bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
    if (!zip && bytes[0] !== 0x80) throw new FileNotFoundError(file, url, 'what the server sent does not start like a PyTorch checkpoint');
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
