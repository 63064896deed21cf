// The UI's door to the engine and the files below it (the dependency rules forbid ui -> engine): each function is one
// user action, run by the engine's operation queue, with the engine's own types.

import { engine, type EngineGenerateOptions, type FillMaskResult, type SentenceEmbedding } from '../engine/engine';
import { resolveTokenizer, tokenizerClient } from '../engine/tokenizers';
import type { GenerateResult } from '../engine/generate';
import { exportOnnx } from '../onnx/exportOnnx';
import { useAppStore } from './store';

export { EMBEDDED_MODELS, HUB_SUGGESTIONS } from '../engine/catalog';
export { STILL_WORKS_WITHOUT_WEBGPU } from '../engine/webgpuSupport';
export { listStoredModels, openBrowserCache, requestPersistentStorage, storageFigures, type StorageFigures, type StoredModel } from '../weights/model-cache';

export function generateText(prompt: string, options: EngineGenerateOptions): Promise<GenerateResult & { text: string }> {
  return engine.generate(prompt, options);
}

export function fillMask(text: string): Promise<FillMaskResult> {
  return engine.fillMask(text);
}

export function embedSentence(text: string, pair?: string): Promise<SentenceEmbedding> {
  return engine.embed(text, pair);
}

/** The loaded model's tokenizer on a text: ids and tokens. */
export function encodeForModel(text: string): { ids: number[]; tokens: string[] } {
  const { ids, tokens } = engine.tokenizer().encode(text);
  return { ids, tokens };
}

/** The loaded model's tokenizer on ids: text (decoder labels) or vocabulary entries. */
export function decodeForModel(ids: number[]): string {
  return engine.tokenizer().decode(ids);
}

export function tokenForModel(id: number): string {
  return engine.tokenizer().idToToken(id) ?? String(id);
}

/** The loaded model as ONNX bytes and a file name. */
export function exportLoadedOnnx(): { bytes: Uint8Array; fileName: string } {
  const loaded = engine.loaded();
  return { bytes: exportOnnx(loaded), fileName: `${loaded.config.modelType}.onnx` };
}

/** Decodes ids with a tokenizer by name (built-in, Hub id or URL) in the tokenizer worker. */
export function decodeWith(ids: number[], tokenizer: string): Promise<string> {
  return tokenizerClient().decode(ids, resolveTokenizer(tokenizer, useAppStore.getState().hubEndpoint));
}

export { tokenizerClient };
