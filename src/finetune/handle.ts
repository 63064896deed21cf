// The handle window.playground.fineTune returns: events, pause/resume/stop, a promise of per-epoch metrics, and
// the model before and after (for the before/after attention views and export). One handle follows a run through
// device losses: the run continues in a new loop (from its last checkpoint, on the new device) behind the same handle.

import type { EpochMetrics } from './metrics';
import type { Classification, FineTuneRun } from './run';
import type { RunStatus } from './runStore';
import type { StepProgress } from './session';

export interface FineTuneEvents {
  progress: StepProgress;
  epoch: EpochMetrics;
  status: { status: RunStatus; message?: string };
  sample: { step: number; text: string };
  /** What the person should know without a change of status: a checkpoint the storage refused, then saved again. */
  notice: { message: string };
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

type Listeners = { [K in keyof FineTuneEvents]: Set<(value: FineTuneEvents[K]) => void> };

/** A handle over a run that can move to a new loop (`continueWith`) when a device loss suspended the old one. */
export class RunHandle implements FineTuneHandle {
  readonly runId: string;
  readonly metrics: Promise<EpochMetrics[]>;
  private current!: FineTuneRun;
  private detach: (() => void)[] = [];
  private readonly listeners: Listeners = { progress: new Set(), epoch: new Set(), status: new Set(), sample: new Set(), notice: new Set() };
  private settle!: { resolve: (epochs: EpochMetrics[]) => void; reject: (error: Error) => void };
  /** Called by resume() while the run is suspended: whoever owns the handle brings the run back on a new device. */
  onContinueRequested?: () => void;

  constructor(run: FineTuneRun) {
    this.runId = run.record.runId;
    this.metrics = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    this.metrics.catch(() => undefined); // a caller that never awaits it should not see an unhandled rejection
    this.attach(run);
  }

  /** The run this handle drives now. */
  get run(): FineTuneRun {
    return this.current;
  }

  /** Why the run is suspended (device lost), until it continues. */
  get suspended(): string | undefined {
    return this.current.loop.suspended;
  }

  /** Moves the handle to `run`, the same run resumed from its checkpoint after the old loop was suspended. */
  continueWith(run: FineTuneRun): void {
    if (run.record.runId !== this.runId) throw new Error(`Run ${run.record.runId} cannot continue run ${this.runId}.`);
    this.detach.splice(0).forEach((off) => off());
    this.current.dispose();
    this.attach(run);
  }

  on<K extends keyof FineTuneEvents>(event: K, listener: (value: FineTuneEvents[K]) => void): () => void {
    const set = this.listeners[event] as Set<(value: FineTuneEvents[K]) => void>;
    set.add(listener);
    return () => set.delete(listener);
  }

  pause(): void {
    this.current.loop.pause();
  }

  resume(): void {
    if (this.suspended) this.onContinueRequested?.();
    else this.current.loop.resume();
  }

  stop(): void {
    this.current.loop.stop();
    if (this.suspended) this.settle.resolve(this.current.loop.history.epochs);
  }

  initial() {
    return this.current.loop.history.initial;
  }

  losses(): number[] {
    return [...this.current.loop.history.stepLosses];
  }

  classify(text: string, pair?: string): Promise<Classification> {
    return this.current.classify(text, pair);
  }

  exportFiles(): Promise<File[]> {
    return this.current.exportFiles();
  }

  beforeFiles(): File[] {
    return this.current.beforeFiles();
  }

  private emit<K extends keyof FineTuneEvents>(event: K, value: FineTuneEvents[K]): void {
    // Synchronous, as the loop emits: a listener that throws fails the step it listened to.
    for (const listener of this.listeners[event]) (listener as (value: FineTuneEvents[K]) => void)(value);
  }

  /** Forwards the run's events and settles `metrics` when its loop ends (unless it was suspended). */
  private attach(run: FineTuneRun): void {
    this.current = run;
    const { loop } = run;
    this.detach = [
      loop.on('progress', (progress) => this.emit('progress', progress)),
      loop.on('epoch', (row) => this.emit('epoch', row)),
      loop.on('status', (status, message) => this.emit('status', { status, message })),
      loop.on('notice', (message) => this.emit('notice', { message })),
    ];
    if (run.runData.task === 'causal-lm') {
      const prompt = run.runData.text.trim().split(/\s+/).slice(0, 6).join(' ');
      this.detach.push(
        loop.on('interval', (step) => {
          run.sample(prompt).then(
            (text) => this.current === run && this.emit('sample', { step, text: prompt + text }),
            () => undefined, // a sample lost with the device is not worth a message
          );
        }),
      );
    }
    loop.run().then(
      (epochs) => {
        if (this.current !== run || loop.suspended) return; // continues in another loop
        if (loop.status === 'failed') this.settle.reject(new Error(loop.failure ?? 'The run failed.'));
        else this.settle.resolve(epochs);
      },
      (error: unknown) => {
        if (this.current === run) this.settle.reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  }
}

/** Starts (or continues) the run's loop and hands back its handle. Causal-LM runs sample text at every interval. */
export function launch(run: FineTuneRun): RunHandle {
  return new RunHandle(run);
}
