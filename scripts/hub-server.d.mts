export interface HubServerOptions {
  roots: string[]; // folders holding `<org>/<name>/` or `<name>/` repos; the first that has a repo wins
  port?: number; // the Hub origin; 0 (the default) picks a free port
  cdnPort?: number; // the CDN origin that LFS files redirect to; default port + 1 (or a free port when port is 0)
  host?: string; // default 127.0.0.1
}

export interface HubRequest {
  at: number; // Date.now() when the request arrived
  origin: 'hub' | 'cdn';
  method: string;
  path: string; // path and query (the CDN signature elided)
  range: string | null; // the Range header
  authorization: boolean; // whether an Authorization header came (never its value)
  status: number;
}

export interface HubCut {
  file: string; // the file's name (its path in the repo)
  repo?: string; // only in this repo
  afterBytes: number; // bytes sent before the connection drops
  times?: number; // how many transfers to cut (default 1)
}

export interface HubServer {
  url: string; // e.g. http://127.0.0.1:41234, the endpoint to give the app
  cdnUrl: string; // where LFS files are redirected to
  close(): Promise<void>;
  /** Points `ref` of `repo` at one of its manifest's snapshots (a branch moved by a push). */
  setRef(repo: string, ref: string, snapshot: string): void;
  cut(options: HubCut): void;
  requests(): HubRequest[];
  clearRequests(): void;
  /** Refs back to their manifests, no cuts, an empty log. */
  reset(): void;
}

export function startHubServer(options: HubServerOptions): Promise<HubServer>;
