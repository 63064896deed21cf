import type { StateCreator } from 'zustand';
import type { AppState } from './store';
import { browserEnvironment, runStore } from '../finetune/browserEnvironment';
import type { InitialMetrics } from '../finetune/checkpoint';
import { launch, type FineTuneEvents, type FineTuneHandle } from '../finetune/handle';
import type { Hyperparameters, Task, TrainingMode } from '../finetune/hyperparameters';
import type { EpochMetrics } from '../finetune/metrics';
import { FineTuneRun } from '../finetune/run';
import type { RunData, RunRecord, RunStatus } from '../finetune/runStore';

export interface FineTuneSettings {
  task: Task;
  mode: TrainingMode;
  /** Default: the model loaded in the side panel. */
  model?: string | File[];
  hyperparameters?: Partial<Hyperparameters>;
  memoryBudgetBytes?: number;
}

/** The run on screen. Per-step progress is not kept here: views subscribe to `handle.on('progress')` directly. */
export interface ActiveFineTune {
  handle: FineTuneHandle;
  run: FineTuneRun;
}

export interface FineTuneSlice {
  fineTune?: ActiveFineTune;
  fineTuneStatus: 'idle' | 'starting' | RunStatus;
  fineTuneMessage?: string;
  fineTuneEpochs: EpochMetrics[]; // changes once per epoch
  fineTuneInitial?: InitialMetrics;
  fineTuneSamples: FineTuneEvents['sample'][];
  savedRuns: RunRecord[];
  startFineTune: (data: RunData, settings: FineTuneSettings) => Promise<FineTuneHandle>;
  resumeFineTune: (runId: string) => Promise<FineTuneHandle>;
  refreshSavedRuns: () => Promise<void>;
  deleteSavedRun: (runId: string) => Promise<void>;
}

export const createFineTuneSlice: StateCreator<AppState, [], [], FineTuneSlice> = (set, get) => {
  const attach = (run: FineTuneRun): FineTuneHandle => {
    get().fineTune?.run.dispose();
    const handle = launch(run);
    const epochs = run.loop.history.epochs;
    set({ fineTune: { handle, run }, fineTuneStatus: run.loop.status, fineTuneMessage: undefined, fineTuneEpochs: [...epochs], fineTuneInitial: run.loop.history.initial, fineTuneSamples: [] });
    const readInitial = handle.on('progress', () => {
      set({ fineTuneInitial: handle.initial() });
      readInitial();
    });
    handle.on('epoch', () => set({ fineTuneEpochs: [...run.loop.history.epochs], fineTuneInitial: handle.initial() }));
    handle.on('sample', (sample) => set({ fineTuneSamples: [...get().fineTuneSamples, sample].slice(-10) }));
    handle.on('status', ({ status, message }) => {
      if (get().fineTune?.run !== run) return;
      set({ fineTuneStatus: status, fineTuneMessage: message, fineTuneInitial: handle.initial() });
      if (status !== 'running') void get().refreshSavedRuns();
    });
    return handle;
  };
  const guard = async (work: () => Promise<FineTuneRun>): Promise<FineTuneHandle> => {
    set({ fineTuneStatus: 'starting', fineTuneMessage: undefined });
    try {
      return attach(await work());
    } catch (error) {
      set({ fineTuneStatus: 'idle', fineTuneMessage: error instanceof Error ? error.message : String(error) });
      throw error;
    }
  };
  return {
    fineTuneStatus: 'idle',
    fineTuneEpochs: [],
    fineTuneSamples: [],
    savedRuns: [],
    startFineTune: (data, settings) =>
      guard(() => {
        const model = settings.model ?? get().model?.name;
        if (!model) throw new Error('Load a model first (the picker on the right), then fine-tune it.');
        if (model === 'local files') throw new Error('A model from local files cannot be reopened by name: pass the files as options.model.');
        const env = browserEnvironment(get().hubEndpoint, settings.memoryBudgetBytes);
        return FineTuneRun.start(data, { task: settings.task, mode: settings.mode, model, hyperparameters: settings.hyperparameters }, env);
      }),
    resumeFineTune: (runId) => guard(() => FineTuneRun.resume(runId, browserEnvironment(get().hubEndpoint))),
    refreshSavedRuns: async () => set({ savedRuns: await runStore().runs() }),
    deleteSavedRun: async (runId) => {
      await runStore().deleteRun(runId);
      await get().refreshSavedRuns();
    },
  };
};
