// The handle window.playground.fineTune returns: events, pause/resume/stop, a promise of per-epoch metrics, and
// the model before and after (for the before/after attention views and export).

import type { EpochMetrics } from './metrics';
import type { Classification, FineTuneRun } from './run';
import type { RunStatus } from './runStore';
import type { StepProgress } from './session';

export interface FineTuneEvents {
  progress: StepProgress;
  epoch: EpochMetrics;
  status: { status: RunStatus; message?: string };
  sample: { step: number; text: string };
}

export interface FineTuneHandle {
  runId: string;
  on<K extends keyof FineTuneEvents>(event: K, listener: (value: FineTuneEvents[K]) => void): () => void;
  pause(): void;
  resume(): void;
  stop(): void;
  /** Every epoch's row; resolves when the run ends or is stopped, rejects when it fails (NaN loss, an error). */
  metrics: Promise<EpochMetrics[]>;
  /** Validation before any training (perplexity for causal LM, accuracy for classification); after the first check. */
  initial(): { validationLoss: number; accuracy?: number; perplexity?: number } | undefined;
  /** Every step's training loss so far (a resumed run includes the steps before its checkpoint). */
  losses(): number[];
  classify(text: string, pair?: string): Promise<Classification>;
  exportFiles(): Promise<File[]>;
  beforeFiles(): File[];
}

/** Starts (or continues) the run's loop and hands back its handle. Causal-LM runs sample text at every interval. */
export function launch(run: FineTuneRun): FineTuneHandle {
  const { loop } = run;
  const sampleListeners = new Set<(value: FineTuneEvents['sample']) => void>();
  if (run.runData.task === 'causal-lm') {
    const prompt = run.runData.text.trim().split(/\s+/).slice(0, 6).join(' ');
    loop.on('interval', (step) => {
      void run.sample(prompt).then((text) => sampleListeners.forEach((listener) => listener({ step, text: prompt + text })));
    });
  }
  const metrics = loop.run().then((epochs) => {
    if (loop.status === 'failed') throw new Error(loop.failure ?? 'The run failed.');
    return epochs;
  });
  metrics.catch(() => undefined); // a caller that never awaits it should not see an unhandled rejection
  return {
    runId: run.record.runId,
    on: (event, listener) => {
      if (event === 'sample') {
        sampleListeners.add(listener as (value: FineTuneEvents['sample']) => void);
        return () => sampleListeners.delete(listener as (value: FineTuneEvents['sample']) => void);
      }
      if (event === 'status') return loop.on('status', (status, message) => (listener as (value: FineTuneEvents['status']) => void)({ status, message }));
      if (event === 'epoch') return loop.on('epoch', listener as (value: EpochMetrics) => void);
      return loop.on('progress', listener as (value: StepProgress) => void);
    },
    pause: () => loop.pause(),
    resume: () => loop.resume(),
    stop: () => loop.stop(),
    metrics,
    initial: () => loop.history.initial,
    losses: () => [...loop.history.stepLosses],
    classify: (text, pair) => run.classify(text, pair),
    exportFiles: () => run.exportFiles(),
    beforeFiles: () => run.beforeFiles(),
  };
}
