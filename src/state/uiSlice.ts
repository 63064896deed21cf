import type { StateCreator } from 'zustand';
import type { AppState } from './store';

export const TABS = ['tokenize', 'how-it-works', 'generate', 'fill-mask', 'attention', 'compare', 'fine-tune'] as const;
export type TabId = (typeof TABS)[number];

export interface UiSlice {
  tab: TabId;
  setTab: (tab: TabId) => void;
}

export const createUiSlice: StateCreator<AppState, [], [], UiSlice> = (set) => ({
  tab: 'tokenize',
  setTab: (tab) => set({ tab }),
});
