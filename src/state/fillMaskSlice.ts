import type { StateCreator } from 'zustand';
import type { AppState } from './store';
import { engine, type FillMaskResult } from '../engine/engine';

export interface FillMaskSlice {
  fillMaskText: string;
  fillMaskStatus: 'idle' | 'running';
  /** The predictions and the model and text they belong to (none after an error: old predictions never sit under it). */
  fillMaskResult?: { model: string; text: string; result: FillMaskResult };
  fillMaskError?: string;
  setFillMaskText: (text: string) => void;
  runFillMask: () => Promise<void>;
}

let run = 0;

export const createFillMaskSlice: StateCreator<AppState, [], [], FillMaskSlice> = (set, get, store) => {
  store.subscribe((state, previous) => {
    if (state.model !== previous.model && state.fillMaskResult && state.fillMaskResult.model !== state.model?.name) {
      set({ fillMaskResult: undefined, fillMaskError: undefined });
    }
  });
  return {
    fillMaskText: 'The president addressed the [MASK] of the united states.',
    fillMaskStatus: 'idle',
    setFillMaskText: (fillMaskText) => set({ fillMaskText }),
    runFillMask: async () => {
      const current = ++run;
      const text = get().fillMaskText;
      const model = engine.model?.name ?? '';
      set({ fillMaskStatus: 'running', fillMaskError: undefined, fillMaskResult: undefined });
      try {
        const result = await engine.fillMask(text);
        if (current === run) set({ fillMaskResult: { model, text, result } });
      } catch (error) {
        if (current === run) set({ fillMaskError: error instanceof Error ? error.message : String(error) });
      } finally {
        if (current === run) set({ fillMaskStatus: 'idle' });
      }
    },
  };
};
