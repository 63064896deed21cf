// The engine's loaded model against its own export in onnxruntime-web, and ORT wasm as the fast CPU path: what
// `window.playground.compareWithOrt` and the Compare tab run.

import { engine, type ForwardProvider } from '../engine/engine';
import { compareForwards, type CompareOptions, type CompareResult } from './compare';
import { ortPeerFor } from './ortPeer';
import type { OrtForward } from './ortSession';

export type { CompareResult };

export function compareWithOrt(ids: readonly number[], options: CompareOptions): Promise<CompareResult> {
  const peer = ortPeerFor(engine.loaded());
  const ours = () => engine.forward([...ids], { tokenTypeIds: options.tokenTypeIds && [...options.tokenTypeIds] });
  return compareForwards(peer, ours, ids, options);
}

/** The fast CPU mode: the engine's forward passes run in onnxruntime-web's wasm backend. */
export const ortWasmProvider: ForwardProvider = {
  name: 'onnxruntime-web (wasm, CPU)',
  forward: (ids, tokenTypeIds) => ortWasmForward(ids, tokenTypeIds),
};

/** The loaded model's forward in onnxruntime-web's wasm backend (CPU): logits and every layer's attention. */
export function ortWasmForward(ids: readonly number[], tokenTypeIds?: readonly number[]): Promise<OrtForward> {
  return ortPeerFor(engine.loaded()).forward(ids, { provider: 'wasm', tokenTypeIds, attentions: true });
}
