import { create } from 'zustand';
import { createTokenizeSlice, type TokenizeSlice } from './tokenizeSlice';
import { createGpuSlice, type GpuSlice } from './gpuSlice';
import { createUiSlice, type UiSlice } from './uiSlice';
import { createModelSlice, type ModelSlice } from './modelSlice';
import { createFineTuneSlice, type FineTuneSlice } from './fineTuneSlice';
import { createAttentionSlice, type AttentionSlice } from './attentionSlice';
import { createGenerateSlice, type GenerateSlice } from './generateSlice';
import { createFillMaskSlice, type FillMaskSlice } from './fillMaskSlice';
import { createCompareSlice, type CompareSlice } from './compareSlice';
import { createHowItWorksSlice, type HowItWorksSlice } from './howItWorksSlice';

/** The whole app state: one store combining small typed slices (zustand's slices pattern). */
export type AppState = TokenizeSlice & GpuSlice & UiSlice & ModelSlice & FineTuneSlice & AttentionSlice & GenerateSlice & FillMaskSlice & CompareSlice & HowItWorksSlice;

export const useAppStore = create<AppState>()((...a) => ({
  ...createTokenizeSlice(...a),
  ...createGpuSlice(...a),
  ...createUiSlice(...a),
  ...createModelSlice(...a),
  ...createFineTuneSlice(...a),
  ...createAttentionSlice(...a),
  ...createGenerateSlice(...a),
  ...createFillMaskSlice(...a),
  ...createCompareSlice(...a),
  ...createHowItWorksSlice(...a),
}));
