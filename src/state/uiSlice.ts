import type { StateCreator } from 'zustand';
import type { AppState } from './store';
import type { Task } from '../finetune/hyperparameters';

export const TABS = ['tokenize', 'how-it-works', 'generate', 'fill-mask', 'attention', 'compare', 'fine-tune'] as const;
export type TabId = (typeof TABS)[number];

export interface UiSlice {
  tab: TabId;
  /** The Fine-tune tab's task as the person picked it; until then the loaded model's kind decides. */
  fineTuneTask?: Task;
  setTab: (tab: TabId) => void;
  setFineTuneTask: (task: Task) => void;
}

export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set) => ({
  tab: 'tokenize',
  setTab: (tab) => set({ tab }),
  setFineTuneTask: (fineTuneTask) => set({ fineTuneTask }),
});
