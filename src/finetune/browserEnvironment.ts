// The run environment in the page: IndexedDB for runs and checkpoints, the engine's GPU (or the CPU backend when
// WebGPU is missing), the adapter's buffer limit and a memory budget, model files fetched as the engine fetches them.

import { engine } from '../engine/engine';
import { createCpuBackend } from '../models/cpuBackend';
import { createGpuBackend } from '../models/gpuBackend';
import type { Backend } from '../models/backend';
import { tokenizerForModel } from '../engine/modelTokenizer';
import { safetensorsBytes } from '../weights/safetensors-writer';
import { loadModelFiles } from '../weights/sources';
import type { MemoryLimits } from './memory';
import { resolveSource } from '../engine/catalog';
import type { RunEnvironment } from './run';
import { openIndexedDbRunStore, type RunStore } from './runStore';

const GIB = 2 ** 30;

let store: RunStore | undefined;

export function runStore(): RunStore {
  store ??= openIndexedDbRunStore();
  return store;
}

/** What a run may hold: a software adapter (SwiftShader) gets 1 GiB, a real GPU 4 GiB, unless the caller says. */
export function memoryLimits(budgetBytes?: number): MemoryLimits {
  const limits = engine.gpu?.info.limits as { maxBufferSize?: number; maxStorageBufferBindingSize?: number } | undefined;
  const maxBufferBytes = Math.min(limits?.maxBufferSize ?? 2 * GIB, limits?.maxStorageBufferBindingSize ?? 2 * GIB);
  const fallback = !engine.gpu || engine.gpu.info.isFallbackAdapter;
  return { maxBufferBytes, budgetBytes: budgetBytes ?? (fallback ? 1 : 4) * GIB };
}

export function browserEnvironment(hubEndpoint: string, budgetBytes?: number): RunEnvironment {
  return {
    store: runStore(),
    backend: (engine.gpu ? createGpuBackend(engine.gpu, 'finetune') : createCpuBackend()) as Backend<unknown>,
    gpu: engine.gpu,
    limits: memoryLimits(budgetBytes),
    loadBaseModel: async (model) => {
      const files = await loadModelFiles(resolveSource(model, hubEndpoint).source);
      const { json: tokenizer } = await tokenizerForModel(files);
      return { name: Array.isArray(model) ? 'local files' : model, config: files.config, safetensors: safetensorsBytes(files.weights), tokenizer };
    },
  };
}
