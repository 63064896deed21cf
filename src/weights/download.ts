// One model file over HTTP: streamed with progress, checked to be the file that was asked for. Dev servers
// (Vite's among them) answer unknown paths with index.html and status 200, so status alone proves nothing.

import { WeightsError } from './errors';
import { MAX_HEADER_BYTES } from './safetensors';
import { readStream } from './read-stream';

const HTML_FALLBACK = 'the server answered with an HTML page, as dev servers do for unknown paths';

export type FetchFunction = (url: string, init?: RequestInit) => Promise<Response>;

/** Thrown for a file the server does not have: a caller may treat an optional file as absent. */
export class FileNotFoundError extends WeightsError {
  constructor(file: string, url: string, reason: string) {
    super(`${file} not found at ${url} (${reason})`, file);
  }
}

export interface DownloadRequest {
  file: string; // the file's name, for messages and for the content check (".json" or ".safetensors")
  url: string;
  fetch: FetchFunction;
  signal?: AbortSignal;
  onProgress: (loaded: number, total: number | null) => void;
}

export interface DownloadedFile {
  bytes: Uint8Array;
  contentType: string;
}

export async function downloadFile({ file, url, fetch, signal, onProgress }: DownloadRequest): Promise<DownloadedFile> {
  const response = await fetchOrExplain(fetch, url, file, signal);
  checkStatus(response, file, url);
  const contentType = response.headers.get('content-type') ?? '';
  if (contentType.includes('text/html')) {
    await response.body?.cancel();
    throw new FileNotFoundError(file, url, HTML_FALLBACK);
  }
  const total = announcedLength(response);
  onProgress(0, total);
  let bytes: Uint8Array;
  try {
    bytes = response.body
      ? await readStream(response.body, total, (loaded) => onProgress(loaded, total))
      : new Uint8Array(await response.arrayBuffer());
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new WeightsError(`The download of ${file} from ${url} was interrupted: ${describe(error)}`, file);
  }
  if (total !== null && bytes.length < total) {
    const shortBy = `${bytes.length} of ${total} bytes`;
    throw new WeightsError(`The download of ${file} from ${url} was cut short: ${shortBy}`, file);
  }
  checkLooksLike(file, url, bytes);
  return { bytes, contentType };
}

async function fetchOrExplain(
  fetch: FetchFunction,
  url: string,
  file: string,
  signal?: AbortSignal,
): Promise<Response> {
  try {
    return await fetch(url, { signal });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new WeightsError(
      `Could not download ${file} from ${url}: the server could not be reached (offline, wrong address, server ` +
        `not running, or it does not allow cross-origin requests). ${describe(error)}`,
      file,
    );
  }
}

function checkStatus(response: Response, file: string, url: string): void {
  if (response.ok) return;
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
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
