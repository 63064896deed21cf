import type { StateCreator } from 'zustand';
import type { AppState } from './store';
import { ortWasmProvider } from '../onnx/engineComparison';
import type { MemoryEstimate } from '../models/family';
import { WEIGHT_CHOICES, type WeightChoice } from '../models/checkpoint';
import { DEFAULT_HUB_ENDPOINT } from '../weights/sources';
import { engine, LoadSupersededError, type LoadProgress, type ModelInfo, type ModelSource } from '../engine/engine';


/** Where a Hub token is kept when the person ticks "remember" (otherwise it lives in memory for this tab only). */
const TOKEN_STORAGE_KEY = 'transformer-playground.hub-token';

/** The weight format picked in the model panel, kept for the next visit. */
const WEIGHTS_STORAGE_KEY = 'transformer-playground.weights';

function rememberedWeights(): WeightChoice {
  try {
    const stored = globalThis.localStorage?.getItem(WEIGHTS_STORAGE_KEY);
    return stored && (WEIGHT_CHOICES as readonly string[]).includes(stored) ? (stored as WeightChoice) : 'auto';
  } catch {
    return 'auto';
  }
}

function rememberedToken(): string {
  try {
    return globalThis.localStorage?.getItem(TOKEN_STORAGE_KEY) ?? '';
  } catch {
    return '';
  }
}

export type ModelStatus = 'none' | 'loading' | 'ready' | 'error';

export interface ModelSlice {
  modelStatus: ModelStatus;
  model?: ModelInfo;
  loadProgress?: LoadProgress;
  /** The loading model's memory estimate, known once its config.json arrived. */
  loadEstimate?: MemoryEstimate;
  modelError?: string;
  hubEndpoint: string;
  /** Revision for Hub ids without `@revision`: a branch, tag, refs/pr/<number> or commit hash ('' = main). */
  hubRevision: string;
  /** Access token for gated and private Hub repos; sent only to the Hub endpoint's origin. */
  hubToken: string;
  /** Whether the token is kept in this browser's localStorage (the person ticked it) or only in memory. */
  rememberHubToken: boolean;
  /** What the last load wants the person to know (offline copy used, a file the cache could not keep, …). */
  loadNotices: string[];
  /** How matmul weights are stored on the device for inference: 'auto' (as the checkpoint has them), f32, f16, q8, q4. */
  weightChoice: WeightChoice;
  /** Picks the format for the next loads, and rebuilds the loaded model with it (from its files, no download). */
  setWeightChoice: (choice: WeightChoice) => Promise<ModelInfo | undefined>;
  /** Fast CPU mode: forward passes (attention views, fill-mask) in onnxruntime-web's wasm backend. */
  fastCpuMode: boolean;
  setFastCpuMode: (on: boolean) => void;
  setHubEndpoint: (endpoint: string) => void;
  setHubRevision: (revision: string) => void;
  setHubToken: (token: string, remember: boolean) => void;
  /** `options` (Hub ids) take the place of the panel's revision and token for this load. */
  loadModel: (source: ModelSource, options?: { revision?: string; token?: string; weights?: WeightChoice }) => Promise<ModelInfo | undefined>;
}

export const createModelSlice: StateCreator<AppState, [], [], ModelSlice> = (set, get) => ({
  modelStatus: 'none',
  hubEndpoint: DEFAULT_HUB_ENDPOINT,
  hubRevision: '',
  hubToken: rememberedToken(),
  rememberHubToken: rememberedToken() !== '',
  loadNotices: [],
  weightChoice: rememberedWeights(),
  setWeightChoice: async (weightChoice) => {
    try {
      globalThis.localStorage?.setItem(WEIGHTS_STORAGE_KEY, weightChoice);
    } catch {
      // storage disabled: the choice holds for this tab
    }
    set({ weightChoice });
    if (!get().model || get().modelStatus === 'loading') return undefined; // the next load uses it
    set({ modelStatus: 'loading', modelError: undefined, loadProgress: undefined, loadEstimate: undefined });
    try {
      const model = await engine.setWeights(weightChoice);
      set({ modelStatus: 'ready', model });
      return model;
    } catch (error) {
      set({ modelStatus: 'error', modelError: `The weights could not be stored as ${weightChoice}: ${error instanceof Error ? error.message : String(error)}` });
      throw error;
    }
  },
  fastCpuMode: false,
  setFastCpuMode: (fastCpuMode) => {
    engine.setForwardProvider(fastCpuMode ? ortWasmProvider : undefined);
    set({ fastCpuMode });
  },
  setHubEndpoint: (hubEndpoint) => set({ hubEndpoint: hubEndpoint.replace(/\/+$/, '') || DEFAULT_HUB_ENDPOINT }),
  setHubRevision: (hubRevision) => set({ hubRevision: hubRevision.trim() }),
  setHubToken: (token, remember) => {
    const hubToken = token.trim();
    try {
      if (remember && hubToken) globalThis.localStorage?.setItem(TOKEN_STORAGE_KEY, hubToken);
      else globalThis.localStorage?.removeItem(TOKEN_STORAGE_KEY);
    } catch {
      // storage disabled: the token stays in memory for this tab
    }
    set({ hubToken, rememberHubToken: remember });
  },
  loadModel: async (source, options = {}) => {
    set({ modelStatus: 'loading', modelError: undefined, loadProgress: undefined, loadEstimate: undefined, loadNotices: [] });
    try {
      const model = await engine.loadModel(source, {
        hubEndpoint: get().hubEndpoint,
        revision: options.revision ?? (get().hubRevision || undefined),
        token: options.token ?? (get().hubToken || undefined),
        weights: options.weights ?? get().weightChoice,
        onProgress: (loadProgress) => set({ loadProgress, loadNotices: loadProgress.notices }),
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
