// The UI's door to the engine and the files below it (the dependency rules forbid ui -> engine): each function is one
// user action, run by the engine's operation queue, with the engine's own types.

import { engine, type SentenceEmbedding } from '../engine/engine';
import { resolveTokenizer, tokenizerClient } from '../engine/tokenizers';
import { exportOnnx } from '../onnx/exportOnnx';
import { useAppStore } from './store';

export { EMBEDDED_MODELS, HUB_SUGGESTIONS } from '../engine/catalog';
export { STILL_WORKS_WITHOUT_WEBGPU } from '../engine/webgpuSupport';
export { listStoredModels, openBrowserCache, requestPersistentStorage, storageFigures, type StorageFigures, type StoredModel } from '../weights/model-cache';

export function embedSentence(text: string, pair?: string): Promise<SentenceEmbedding> {
  return engine.embed(text, pair);
}

/** The loaded model's tokenizer on ids: text (decoder labels) or vocabulary entries. */
export function decodeForModel(ids: number[]): string {
  return engine.tokenizer().decode(ids);
}

/** The loaded model as ONNX bytes and a file name. */
export function exportLoadedOnnx(): { bytes: Uint8Array; fileName: string } {
  const loaded = engine.loaded();
  // The weights as the engine holds them: 8/4-bit ones as MatMulNBits (such a file runs in onnxruntime only).
  const suffix = loaded.weights === 'q4' || loaded.weights === 'q8' ? `-${loaded.weights}` : '';
  return { bytes: exportOnnx(loaded), fileName: `${loaded.config.modelType}${suffix}.onnx` };
}

/** Decodes ids with a tokenizer by name (built-in, Hub id or URL) in the tokenizer worker. */
export function decodeWith(ids: number[], tokenizer: string): Promise<string> {
  return tokenizerClient().decode(ids, resolveTokenizer(tokenizer, useAppStore.getState().hubEndpoint));
}

export { tokenizerClient };
