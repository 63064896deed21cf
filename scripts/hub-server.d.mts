export interface HubServerOptions {
  roots: string[]; // folders holding `<org>/<name>/<file>` or `<name>/<file>`; the first that has a file wins
  port?: number; // 0 (the default) picks a free port
  host?: string; // default 127.0.0.1
}

export interface HubServer {
  url: string; // e.g. http://127.0.0.1:41234, the endpoint to give the app
  close(): Promise<void>;
}

export function startHubServer(options: HubServerOptions): Promise<HubServer>;
