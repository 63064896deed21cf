// The Hugging Face Hub's side of a load: model ids with revisions, the model-info endpoint that turns a revision
// into a commit and lists the files (GET /api/models/<id>/revision/<revision>, as huggingface_hub's repo_info and
// snapshot_download use), file URLs pinned to that commit, the access token, and the Hub's error codes.

import { NetworkError, type FetchFunction } from './download';
import { WeightsError } from './errors';

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

const HUB_ID = /^[\w.-]+(\/[\w.-]+)?$/;
const COMMIT = /^[0-9a-f]{40}$/;
const REVISION = /^[\w.\-/]{1,200}$/;

/** "org/name", "org/name@v2", "name@refs/pr/1", "org/name@<commit>" -> id and revision (undefined: main). */
export function parseHubId(text: string): { id: string; revision?: string } {
  const at = text.indexOf('@');
  const id = at < 0 ? text : text.slice(0, at);
  const revision = at < 0 ? undefined : text.slice(at + 1);
  checkHubId(id);
  if (revision !== undefined) checkRevision(revision);
  return { id, revision };
}

export function checkHubId(id: string): void {
  if (!HUB_ID.test(id) || id.split('/').some((part) => part === '.' || part === '..')) {
    throw new WeightsError(`"${id}" is not a Hugging Face model id (expected "name" or "organisation/name")`);
  }
}

export function checkRevision(revision: string): void {
  if (!REVISION.test(revision) || revision.split('/').some((part) => part === '' || part === '..')) {
    throw new WeightsError(
      `"${revision}" is not a revision (expected a branch or tag name, refs/pr/<number>, or a commit hash)`,
    );
  }
}

export function isCommitHash(revision: string): boolean {
  return COMMIT.test(revision);
}

function trimEndpoint(endpoint: string): string {
  return endpoint.replace(/\/+$/, '');
}

export function hubBaseUrl(id: string, endpoint = DEFAULT_HUB_ENDPOINT, revision = 'main'): string {
  checkHubId(id);
  return `${trimEndpoint(endpoint)}/${id}/resolve/${encodeURIComponent(revision)}`;
}

export function repoInfoUrl(id: string, endpoint: string, revision: string): string {
  return `${trimEndpoint(endpoint)}/api/models/${id}/revision/${encodeURIComponent(revision)}`;
}

/** The Authorization header for requests to the Hub endpoint's own origin (never sent anywhere else). */
export function hubHeaders(url: string, endpoint: string, token: string | undefined): Record<string, string> {
  if (!token) return {};
  return new URL(url).origin === new URL(endpoint).origin ? { authorization: `Bearer ${token}` } : {};
}

export interface RepoInfo {
  id: string;
  revision: string;
  commit: string;
  /** Every file of that commit with its size when the Hub gave it. */
  files: ReadonlyMap<string, number | null>;
}

/** The Hub refused a request, for the reason its X-Error-Code names. */
export class HubAccessError extends WeightsError {
  constructor(
    message: string,
    readonly code: 'RepoNotFound' | 'GatedRepo' | 'RevisionNotFound' | 'EntryNotFound' | 'Unauthorized',
    readonly status: number,
    file?: string,
  ) {
    super(message, file);
  }
}

export interface HubRepo {
  id: string;
  endpoint: string;
  revision: string;
  token?: string;
}

/**
 * An error answer of the Hub as a message that names the cause: missing, private, gated (without a token, or with
 * one that has no access) or a wrong revision. X-Error-Code decides when the server sent it; a bare 401/403 is
 * explained by what it can mean. null for statuses this does not explain (404 of a file, 5xx).
 */
export function explainHubStatus(response: Response, repo: HubRepo, file: string): WeightsError | null {
  const code = response.headers.get('x-error-code');
  const serverMessage = response.headers.get('x-error-message');
  const page = `${trimEndpoint(repo.endpoint)}/${repo.id}`;
  const tokenState = repo.token ? 'the access token given has no access to it' : 'no access token was given';
  if (code === 'GatedRepo') {
    const message =
      response.status === 403 || repo.token
        ? `${repo.id} is a gated model and the access token given has not been granted access: request access on ${page}, then load it again`
        : `${repo.id} is a gated model: accept its conditions on ${page} and give an access token (none was given)`;
    return new HubAccessError(message, 'GatedRepo', response.status, file);
  }
  if (code === 'RepoNotFound' || (!code && response.status === 401)) {
    return new HubAccessError(
      `${repo.id} was not found on ${repo.endpoint}: it does not exist, or it is private and ${tokenState}` +
        (serverMessage && serverMessage !== 'Repository not found' ? ` (${serverMessage})` : ''),
      'RepoNotFound',
      response.status,
      file,
    );
  }
  if (code === 'RevisionNotFound') {
    return new HubAccessError(
      `${repo.id} has no revision "${repo.revision}" (a branch, a tag, refs/pr/<number> or a full commit hash)`,
      'RevisionNotFound',
      response.status,
      file,
    );
  }
  if (!code && response.status === 403) {
    return new HubAccessError(
      `${repo.endpoint} refused ${file} of ${repo.id} (HTTP 403): the model is private or gated and ${tokenState}` +
        (serverMessage ? ` (${serverMessage})` : ''),
      'Unauthorized',
      403,
      file,
    );
  }
  return null;
}

/** GET /api/models/<id>/revision/<revision>: the commit the revision points at now, and its files. */
export async function fetchRepoInfo(repo: HubRepo, fetch: FetchFunction, signal?: AbortSignal): Promise<RepoInfo> {
  // blobs=true: the sizes of the files too (huggingface_hub's files_metadata), so progress knows every total at once.
  const url = `${repoInfoUrl(repo.id, repo.endpoint, repo.revision)}?blobs=true`;
  let response: Response;
  try {
    response = await fetch(url, { signal, headers: hubHeaders(url, repo.endpoint, repo.token) });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new NetworkError(`the model info of ${repo.id}`, url, error);
  }
  if (!response.ok) {
    const explained = explainHubStatus(response, repo, 'model info');
    void response.body?.cancel().catch(() => undefined);
    if (explained) throw explained;
    throw new WeightsError(`Could not read the model info of ${repo.id} from ${url}: HTTP ${response.status}`);
  }
  let json: unknown;
  try {
    json = await response.json();
  } catch {
    throw new WeightsError(`${url} did not answer with JSON: is ${repo.endpoint} a Hugging Face Hub endpoint?`);
  }
  return parseRepoInfo(json, repo, url);
}

export function parseRepoInfo(json: unknown, repo: HubRepo, url: string): RepoInfo {
  const info = json as { sha?: unknown; siblings?: unknown };
  const fail = (problem: string): never => {
    throw new WeightsError(`The model info of ${repo.id} at ${url} ${problem}: is ${repo.endpoint} a Hugging Face Hub endpoint?`);
  };
  if (typeof info !== 'object' || info === null) return fail('is not a JSON object');
  if (typeof info.sha !== 'string' || !isCommitHash(info.sha)) fail('has no commit hash ("sha")');
  if (!Array.isArray(info.siblings)) fail('has no file list ("siblings")');
  const files = new Map<string, number | null>();
  for (const sibling of info.siblings as unknown[]) {
    const { rfilename, size, lfs } = (sibling ?? {}) as { rfilename?: unknown; size?: unknown; lfs?: { size?: unknown } };
    if (typeof rfilename !== 'string') fail('lists a file without a name');
    const bytes = typeof size === 'number' ? size : typeof lfs?.size === 'number' ? lfs.size : null;
    files.set(rfilename as string, Number.isSafeInteger(bytes) ? bytes : null);
  }
  return { id: repo.id, revision: repo.revision, commit: info.sha as string, files };
}
