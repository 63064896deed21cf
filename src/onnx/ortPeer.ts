// The loaded model exported once and run in onnxruntime-web: one session per execution provider, created on first
// use. A peer belongs to one checkpoint in one weight format (the engine's: 8/4-bit weights run as MatMulNBits);
// `ortPeerFor` replaces it (and releases its sessions) when the model or its format changes.

import type { InferenceSession } from 'onnxruntime-web';
import { exportOnnx, type ExportableModel } from './exportOnnx';
import { loadOrt } from './ortModule';
import { createOrtSession, runOrt, type OrtForward, type OrtProvider } from './ortSession';

export class OrtPeer {
  private bytes?: Uint8Array;
  private readonly sessions = new Map<OrtProvider, Promise<InferenceSession>>();

  constructor(readonly model: ExportableModel) {}

  /** The exported graph (with attentions.{layer} outputs). */
  graph(): Uint8Array {
    this.bytes ??= exportOnnx(this.model);
    return this.bytes;
  }

  async forward(ids: readonly number[], options: { provider: OrtProvider; tokenTypeIds?: readonly number[]; attentions: boolean }): Promise<OrtForward> {
    const ort = await loadOrt();
    return runOrt(ort, await this.session(options.provider), ids, options);
  }

  async release(): Promise<void> {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(sessions.map(async (session) => (await session).release()));
  }

  private session(provider: OrtProvider): Promise<InferenceSession> {
    let session = this.sessions.get(provider);
    if (!session) {
      session = loadOrt().then((ort) => createOrtSession(ort, this.graph(), provider));
      session.catch(() => this.sessions.delete(provider)); // a failed start is retried on the next call
      this.sessions.set(provider, session);
    }
    return session;
  }
}

let current: OrtPeer | undefined;

export function ortPeerFor(model: ExportableModel): OrtPeer {
  if (current?.model.source !== model.source || current.model.weights !== model.weights) {
    void current?.release();
    current = new OrtPeer(model);
  }
  return current;
}
