import type { StateCreator } from 'zustand';
import type { AppState } from './store';
import { ortWasmProvider } from '../onnx/engineComparison';
import type { MemoryEstimate } from '../engine/memory';
import { engine, LoadSupersededError, type LoadProgress, type ModelInfo, type ModelSource } from '../engine/engine';

export const DEFAULT_HUB_ENDPOINT = 'https://huggingface.co';

export type ModelStatus = 'none' | 'loading' | 'ready' | 'error';

export interface ModelSlice {
  modelStatus: ModelStatus;
  model?: ModelInfo;
  loadProgress?: LoadProgress;
  /** The loading model's memory estimate, known once its config.json arrived. */
  loadEstimate?: MemoryEstimate;
  modelError?: string;
  hubEndpoint: string;
  /** Fast CPU mode: forward passes (attention views, fill-mask) in onnxruntime-web's wasm backend. */
  fastCpuMode: boolean;
  setFastCpuMode: (on: boolean) => void;
  setHubEndpoint: (endpoint: string) => void;
  loadModel: (source: ModelSource) => Promise<ModelInfo | undefined>;
}

export const createModelSlice: StateCreator<AppState, [], [], ModelSlice> = (set, get) => ({
  modelStatus: 'none',
  hubEndpoint: DEFAULT_HUB_ENDPOINT,
  fastCpuMode: false,
  setFastCpuMode: (fastCpuMode) => {
    engine.setForwardProvider(fastCpuMode ? ortWasmProvider : undefined);
    set({ fastCpuMode });
  },
  setHubEndpoint: (hubEndpoint) => set({ hubEndpoint: hubEndpoint.replace(/\/+$/, '') || DEFAULT_HUB_ENDPOINT }),
  loadModel: async (source) => {
    set({ modelStatus: 'loading', modelError: undefined, loadProgress: undefined, loadEstimate: undefined });
    try {
      const model = await engine.loadModel(source, {
        hubEndpoint: get().hubEndpoint,
        onProgress: (loadProgress) => set({ loadProgress }),
        onEstimate: (loadEstimate) => set({ loadEstimate }),
      });
      set({ modelStatus: 'ready', model, loadProgress: undefined });
      return model;
    } catch (error) {
      if (error instanceof LoadSupersededError) return undefined; // the newer load sets the state
      set({ modelStatus: 'error', modelError: error instanceof Error ? error.message : String(error), loadProgress: undefined });
      return undefined;
    }
  },
});
