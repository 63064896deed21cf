// The engine's loaded model against its own export in onnxruntime-web, and ORT wasm as the fast CPU path: what
// `window.playground.compareWithOrt` and the Compare tab run.

import { engine, type ForwardProvider } from '../engine/engine';
import type { LoadedModel } from '../models/checkpoint';
import { compareForwards, type CompareOptions, type CompareResult } from './compare';
import { exportOnnx } from './exportOnnx';
import { OrtGeneration } from './ortGeneration';
import { loadOrt } from './ortModule';
import { ortPeerFor } from './ortPeer';
import type { OrtForward } from './ortSession';

export type { CompareResult };

export function compareWithOrt(ids: readonly number[], options: CompareOptions): Promise<CompareResult> {
  const peer = ortPeerFor(engine.loaded());
  const ours = () => engine.forward([...ids], { tokenTypeIds: options.tokenTypeIds && [...options.tokenTypeIds] });
  return compareForwards(peer, ours, ids, options);
}

/** The fast CPU mode: the engine's forward passes and generation run in onnxruntime-web's wasm backend. */
export const ortWasmProvider: ForwardProvider = {
  name: 'onnxruntime-web (wasm, CPU)',
  forward: (ids, tokenTypeIds) => ortWasmForward(ids, tokenTypeIds),
  generate: async (promptIds, options) => (await generationFor(engine.loaded())).generate(promptIds, options),
};

/** One KV-cache session per loaded model (the graph exported with past_key_values), released when the model changes. */
let generation: { source: LoadedModel['source']; weights: LoadedModel['weights']; session: Promise<OrtGeneration> } | undefined;

function generationFor(loaded: LoadedModel): Promise<OrtGeneration> {
  if (generation?.source !== loaded.source || generation.weights !== loaded.weights) {
    const previous = generation;
    void previous?.session.then((session) => session.release(), () => undefined);
    const { L, Hkv, D, P } = loaded.config.dims;
    const session = loadOrt().then((ort) => OrtGeneration.create(ort, exportOnnx(loaded, { attentions: false, pastKeyValues: true }), { layers: L, kvHeads: Hkv, headSize: D, contextLimit: P }));
    session.catch(() => (generation = undefined)); // a failed start is retried on the next call
    generation = { source: loaded.source, weights: loaded.weights, session };
  }
  return generation.session;
}

/** The loaded model's forward in onnxruntime-web's wasm backend (CPU): logits and every layer's attention. */
export function ortWasmForward(ids: readonly number[], tokenTypeIds?: readonly number[]): Promise<OrtForward> {
  return ortPeerFor(engine.loaded()).forward(ids, { provider: 'wasm', tokenTypeIds, attentions: true });
}
