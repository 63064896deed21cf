import type { StateCreator } from 'zustand';
import type { AppState } from './store';
import { browserEnvironment, runStore } from '../finetune/browserEnvironment';
import type { InitialMetrics } from '../finetune/checkpoint';
import { launch, type FineTuneEvents, type FineTuneHandle, type RunHandle } from '../finetune/handle';
import type { Hyperparameters, Task, TrainingMode } from '../finetune/hyperparameters';
import type { EpochMetrics } from '../finetune/metrics';
import { FineTuneRun } from '../finetune/run';
import { holdRunLock, liveRunIds, withInterrupted, type RunData, type RunRecord, type RunStatus } from '../finetune/runStore';

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

/** Statuses of a run that still holds the model and the device: another run must wait for it to end. */
const ALIVE: readonly string[] = ['starting', 'running', 'paused'];

export const createFineTuneSlice: StateCreator<AppState, [], [], FineTuneSlice> = (set, get, store) => {
  let releaseLock: () => void = () => undefined;

  /** One run at a time: a second one is refused with what is running and how to end it. */
  const refuseWhileBusy = () => {
    const { fineTuneStatus: status, fineTune } = get();
    if (!ALIVE.includes(status)) return;
    const what = fineTune ? `run ${fineTune.handle.runId} is ${status} (step ${fineTune.run.loop.history.globalStep} of ${fineTune.run.loop.totalSteps})` : 'a run is starting';
    throw new Error(`Another fine-tuning run is in progress: ${what}. One run trains at a time: stop it first (the Stop button or handle.stop()), or wait until it ends.`);
  };

  /** After a device loss: once the page has a new device, the run continues from its last checkpoint. */
  const continueOnNewDevice = (handle: RunHandle) => {
    const tryNow = () => {
      if (get().fineTune?.handle !== handle || !handle.suspended) return true;
      if (get().gpuStatus !== 'ready') return false;
      void FineTuneRun.resume(handle.runId, browserEnvironment(get().hubEndpoint)).then(
        (run) => {
          if (get().fineTune?.handle !== handle) return run.dispose();
          handle.continueWith(run);
          set({ fineTune: { handle, run }, fineTuneStatus: run.loop.status, fineTuneMessage: undefined });
        },
        (error: unknown) => set({ fineTuneMessage: `The run could not continue on the new device: ${error instanceof Error ? error.message : String(error)}` }),
      );
      return true;
    };
    handle.onContinueRequested = () => void tryNow();
    if (tryNow()) return;
    const off = store.subscribe((state) => {
      if (state.gpuStatus === 'ready' && tryNow()) off();
    });
  };

  const attach = (run: FineTuneRun): FineTuneHandle => {
    get().fineTune?.run.dispose();
    releaseLock();
    releaseLock = holdRunLock(run.record.runId);
    const handle = launch(run);
    const epochs = run.loop.history.epochs;
    set({ fineTune: { handle, run }, fineTuneStatus: run.loop.status, fineTuneMessage: undefined, fineTuneEpochs: [...epochs], fineTuneInitial: run.loop.history.initial, fineTuneSamples: [] });
    const readInitial = handle.on('progress', () => {
      set({ fineTuneInitial: handle.initial() });
      readInitial();
    });
    handle.on('epoch', () => set({ fineTuneEpochs: [...handle.run.loop.history.epochs], fineTuneInitial: handle.initial() }));
    handle.on('sample', (sample) => set({ fineTuneSamples: [...get().fineTuneSamples, sample].slice(-10) }));
    handle.on('notice', ({ message }) => get().fineTune?.handle === handle && set({ fineTuneMessage: message }));
    handle.on('status', ({ status, message }) => {
      if (get().fineTune?.handle !== handle) return;
      set({ fineTuneStatus: status, fineTuneMessage: message, fineTuneInitial: handle.initial() });
      if (status === 'done' || status === 'stopped' || status === 'failed') releaseLock();
      if (status !== 'running') void get().refreshSavedRuns();
      if (handle.suspended) continueOnNewDevice(handle);
    });
    return handle;
  };
  const guard = async (work: () => Promise<FineTuneRun>): Promise<FineTuneHandle> => {
    refuseWhileBusy();
    set({ fineTuneStatus: 'starting', fineTuneMessage: undefined });
    try {
      return attach(await work());
    } catch (error) {
      set({ fineTuneStatus: get().fineTune ? get().fineTune!.run.loop.status : 'idle', fineTuneMessage: error instanceof Error ? error.message : String(error) });
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
    refreshSavedRuns: async () => {
      const [records, live] = await Promise.all([runStore().runs(), liveRunIds()]);
      const active = get().fineTune?.handle.runId;
      if (active && ALIVE.includes(get().fineTuneStatus)) live.add(active);
      set({ savedRuns: withInterrupted(records, live) });
    },
    deleteSavedRun: async (runId) => {
      await runStore().deleteRun(runId);
      await get().refreshSavedRuns();
    },
  };
};
