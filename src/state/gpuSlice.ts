import type { StateCreator } from 'zustand';
import type { AppState } from './store';
import type { GpuInfo } from '../gpu';
import { engine } from '../engine/engine';

export type GpuStatus = 'detecting' | 'ready' | 'unavailable' | 'lost';

export interface GpuSlice {
  gpuStatus: GpuStatus;
  gpuInfo?: GpuInfo;
  /** Why WebGPU is unavailable or was lost, in plain words. */
  gpuMessage?: string;
  gpuBytesInUse: number;
  /** Bytes allocated on the device: in use plus the buffer pool's free reserve. */
  gpuBytesAllocated: number;
  detectGpu: () => Promise<void>;
}

const RECONNECT_DELAY_MS = 500;

export const createGpuSlice: StateCreator<AppState, [], [], GpuSlice> = (set, get) => ({
  gpuStatus: 'detecting',
  gpuBytesInUse: 0,
  gpuBytesAllocated: 0,
  detectGpu: async () => {
    set({ gpuStatus: 'detecting', gpuMessage: undefined });
    const outcome = await engine.acquireGpu({
      onLost: (reason) => {
        set({ gpuStatus: 'lost', gpuMessage: reason });
        setTimeout(() => void get().detectGpu(), RECONNECT_DELAY_MS); // a new device, and the model rebuilt on it
      },
      onBytesChanged: (gpuBytesInUse, gpuBytesAllocated) => set({ gpuBytesInUse, gpuBytesAllocated }),
    });
    if (outcome.ok) set({ gpuStatus: 'ready', gpuInfo: outcome.info });
    else set({ gpuStatus: 'unavailable', gpuMessage: outcome.reason });
  },
});
