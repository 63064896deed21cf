// The training loop: epochs of seeded batches through a TrainingStepper, one awaited step at a time so the page
// stays responsive; pause, resume and stop between steps; a checkpoint every N steps, on pause, on stop and at each
// epoch's end; validation per epoch; a NaN or infinite loss stops the run and keeps the last good checkpoint.
// Faults do not lose the run: a checkpoint the storage refuses (full, cleared) is kept in memory and tried again at the
// next one, with a notice; a lost GPU device suspends the run at its last checkpoint, to continue on a new device.

import type { HostTensor } from '../weights/host-tensor';
import type { TrainingBatch } from './batches';
import { tokensIn } from './batches';
import type { Checkpoint, InitialMetrics, LoopState, TrainerState } from './checkpoint';
import { learningRateAt, type Hyperparameters, type Task } from './hyperparameters';
import { accuracyOf, argmaxRows, confusionMatrix, type EpochMetrics } from './metrics';
import { Rng } from '../common/random';
import { DeviceLostError } from '../gpu/gpu';
import { RunStorageError, type RunStatus, type RunStore } from './runStore';

/** One optimizer step and evaluation over a model being trained; implemented over src/train's trainer. */
export interface TrainingStepper {
  /** One optimizer step (gradient accumulation inside) at this learning rate; the batch's mean loss. */
  step(batch: TrainingBatch, learningRate: number): Promise<{ loss: number }>;
  /** No update. Classification: logits (B, K). Causal LM: the mean loss over predicted tokens; logits may be empty. */
  evaluate(batch: TrainingBatch): Promise<{ loss: number; logits: Float32Array }>;
  saveState(): Promise<TrainerState>;
  loadState(state: TrainerState): Promise<void>;
  /** The model as Hugging Face names and lays it out. */
  exportTensors(): Promise<HostTensor[]>;
  dispose(): void;
}

/** The run's data, already split: batches are built from training indices and a seed, the same way every time. */
export interface TrainingData {
  task: Task;
  trainSize: number;
  trainBatch(indices: readonly number[], seed: number): TrainingBatch;
  validationBatches: TrainingBatch[];
  numLabels: number; // classification; 0 for causal LM
}

export interface StepProgress {
  step: number; // optimizer steps done
  totalSteps: number;
  epoch: number; // 1-based epoch in progress
  epochs: number;
  stepInEpoch: number; // 1-based
  stepsPerEpoch: number;
  loss: number;
  learningRate: number;
  tokensPerSecond: number;
  etaSeconds: number;
}

export interface RunEvents {
  progress: (progress: StepProgress) => void;
  epoch: (metrics: EpochMetrics) => void;
  status: (status: RunStatus, message?: string) => void;
  /** Steps done at an interval: what the caller wants to do with the model then (sample text, for GPT-2). */
  interval: (step: number) => void;
  /** Something the person should know that does not change the status (a checkpoint storage refused, then saved again). */
  notice: (message: string) => void;
}

export interface LoopOptions {
  runId: string;
  hyperparameters: Hyperparameters;
  data: TrainingData;
  stepper: TrainingStepper;
  store: RunStore;
  /** Continue from this checkpoint (its trainer state is loaded into the stepper first). */
  resumeFrom?: Checkpoint;
}

const SPEED_WINDOW = 20;

export class FineTuneLoop {
  status: RunStatus = 'running';
  /** Why the run failed, in plain words. */
  failure?: string;
  /**
   * Why the run was suspended (the GPU device was lost): it is paused at its last checkpoint and continues from there
   * in a new loop on a new device (FineTuneRun.resume); this loop does not run again.
   */
  suspended?: string;
  readonly stepsPerEpoch: number;
  readonly totalSteps: number;
  private state: LoopState;
  private listeners: { [K in keyof RunEvents]: Set<RunEvents[K]> } = { progress: new Set(), epoch: new Set(), status: new Set(), interval: new Set(), notice: new Set() };
  private resumeGate?: () => void;
  private stopRequested = false;
  private pauseRequested = false;
  private exclusive: Promise<unknown> = Promise.resolve();
  private recentSteps: { ms: number; tokens: number }[] = [];
  private storageFailing = false;

  constructor(private readonly options: LoopOptions) {
    const { hyperparameters: h, data } = options;
    this.stepsPerEpoch = Math.ceil(data.trainSize / h.batchSize);
    this.totalSteps = this.stepsPerEpoch * h.epochs;
    this.state = options.resumeFrom?.loop ?? freshState(h.seed, data.trainSize);
  }

  get history(): Readonly<LoopState> {
    return this.state;
  }

  on<K extends keyof RunEvents>(event: K, listener: RunEvents[K]): () => void {
    this.listeners[event].add(listener);
    return () => this.listeners[event].delete(listener);
  }

  pause() {
    if (this.status === 'running') this.pauseRequested = true;
  }

  resume() {
    this.pauseRequested = false;
    this.resumeGate?.();
  }

  stop() {
    this.stopRequested = true;
    this.resumeGate?.();
  }

  /** Runs `work` between steps, never during one (classifying a sentence while the run trains). */
  between<T>(work: () => Promise<T>): Promise<T> {
    const result = this.exclusive.then(work);
    this.exclusive = result.catch(() => undefined);
    return result;
  }

  /**
   * Trains to the end (or a stop); resolves with every epoch's metrics. An error fails the run and rejects; a lost
   * GPU device suspends it instead (resolves, with `suspended` set and the status paused).
   */
  async run(): Promise<EpochMetrics[]> {
    try {
      return await this.train();
    } catch (error) {
      if (error instanceof DeviceLostError) return this.suspend(error);
      this.setStatus('failed', error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  private async suspend(error: DeviceLostError): Promise<EpochMetrics[]> {
    const kept = await this.keptStep();
    this.suspended =
      `The GPU device was lost at step ${this.state.globalStep + 1} (${error.reason}). The run is paused at its last ` +
      `checkpoint (step ${kept}) and continues from there on a new device, with the same losses.`;
    this.setStatus('paused', this.suspended);
    return this.state.epochs;
  }

  /** The step of the last checkpoint the store holds (0 before the first). */
  private async keptStep(): Promise<number> {
    const runs = await this.options.store.runs().catch(() => []);
    return runs.find((run) => run.runId === this.options.runId)?.checkpointStep ?? 0;
  }

  private async train(): Promise<EpochMetrics[]> {
    const { stepper, resumeFrom, hyperparameters: h } = this.options;
    if (resumeFrom) await stepper.loadState(resumeFrom.trainer);
    this.setStatus('running');
    this.state.initial ??= await this.between(() => this.validate()).then(({ metrics }) => metrics);
    while (this.state.epoch < h.epochs) {
      while (this.state.batchInEpoch < this.stepsPerEpoch) {
        if (!(await this.waitWhilePaused())) return this.state.epochs;
        const loss = await this.between(() => this.trainOneStep());
        if (!Number.isFinite(loss)) return this.fail(loss);
        if (this.state.globalStep % h.checkpointEvery === 0) await this.checkpoint();
        if (this.state.globalStep % h.sampleEvery === 0) this.emit('interval', this.state.globalStep);
        await yieldToPage();
      }
      await this.finishEpoch();
    }
    this.setStatus('done');
    return this.state.epochs;
  }

  private async trainOneStep(): Promise<number> {
    const { data, stepper, hyperparameters: h } = this.options;
    const s = this.state;
    const start = s.batchInEpoch * h.batchSize;
    const indices = s.order.subarray(start, Math.min(start + h.batchSize, data.trainSize));
    const rng = new Rng(s.rngState);
    const batch = data.trainBatch(Array.from(indices), rng.nextU32());
    const learningRate = learningRateAt(s.globalStep, this.totalSteps, h);
    const began = performance.now();
    const { loss } = await stepper.step(batch, learningRate);
    if (!Number.isFinite(loss)) return loss;
    const tokens = tokensIn(batch);
    this.recentSteps = [...this.recentSteps.slice(1 - SPEED_WINDOW), { ms: performance.now() - began, tokens }];
    s.rngState = rng.state;
    s.batchInEpoch++;
    s.globalStep++;
    s.tokensSeen += tokens;
    s.stepLosses.push(loss);
    this.emit('progress', this.progress(loss, learningRate));
    return loss;
  }

  private progress(loss: number, learningRate: number): StepProgress {
    const ms = this.recentSteps.reduce((sum, step) => sum + step.ms, 0);
    const tokens = this.recentSteps.reduce((sum, step) => sum + step.tokens, 0);
    const msPerStep = ms / Math.max(this.recentSteps.length, 1);
    return {
      step: this.state.globalStep,
      totalSteps: this.totalSteps,
      epoch: this.state.epoch + 1,
      epochs: this.options.hyperparameters.epochs,
      stepInEpoch: this.state.batchInEpoch,
      stepsPerEpoch: this.stepsPerEpoch,
      loss,
      learningRate,
      tokensPerSecond: ms > 0 ? (tokens * 1000) / ms : 0,
      etaSeconds: ((this.totalSteps - this.state.globalStep) * msPerStep) / 1000,
    };
  }

  private async finishEpoch() {
    const s = this.state;
    const losses = s.stepLosses.slice(s.stepLosses.length - this.stepsPerEpoch);
    const { metrics, confusion } = await this.between(() => this.validate());
    const row: EpochMetrics = {
      epoch: s.epoch + 1,
      step: s.globalStep,
      trainingLoss: losses.reduce((a, b) => a + b, 0) / Math.max(losses.length, 1),
      ...metrics,
      confusion,
    };
    s.epochs.push(row);
    s.epoch++;
    s.batchInEpoch = 0;
    const rng = new Rng(s.rngState);
    s.order = rng.permutation(this.options.data.trainSize);
    s.rngState = rng.state;
    this.emit('epoch', row);
    await this.checkpoint();
  }

  private async validate(): Promise<{ metrics: InitialMetrics; confusion?: number[][] }> {
    const { data, stepper } = this.options;
    let lossSum = 0;
    let weight = 0;
    const truth: number[] = [];
    const predicted: number[] = [];
    for (const batch of data.validationBatches) {
      const { loss, logits } = await stepper.evaluate(batch);
      const w = batch.task === 'classification' ? batch.B : tokensIn(batch);
      lossSum += loss * w;
      weight += w;
      if (batch.task === 'classification') {
        truth.push(...batch.labels);
        predicted.push(...argmaxRows(logits, data.numLabels));
      }
      await yieldToPage();
    }
    const validationLoss = lossSum / Math.max(weight, 1);
    if (data.task === 'causal-lm') return { metrics: { validationLoss, perplexity: Math.exp(validationLoss) } };
    const confusion = confusionMatrix(truth, predicted, data.numLabels);
    return { metrics: { validationLoss, accuracy: accuracyOf(confusion) }, confusion };
  }

  private async waitWhilePaused(): Promise<boolean> {
    if (this.pauseRequested && !this.stopRequested) {
      await this.checkpoint();
      this.setStatus('paused');
      await new Promise<void>((resolve) => (this.resumeGate = resolve));
      this.resumeGate = undefined;
      if (!this.stopRequested) this.setStatus('running');
    }
    if (!this.stopRequested) return true;
    await this.checkpoint();
    this.setStatus('stopped', `Stopped at step ${this.state.globalStep}; the checkpoint is kept and the run can resume.`);
    return false;
  }

  private async fail(loss: number): Promise<EpochMetrics[]> {
    const kept = await this.keptStep();
    const message =
      `The loss became ${loss} at step ${this.state.globalStep + 1}, so the run stopped. ` +
      `The last good checkpoint (step ${kept}) is kept: lower the learning rate and resume from it.`;
    this.setStatus('failed', message);
    return this.state.epochs;
  }

  private async checkpoint() {
    const trainer = await this.options.stepper.saveState();
    const step = this.state.globalStep;
    try {
      await this.options.store.saveCheckpoint({ runId: this.options.runId, savedAt: Date.now(), loop: structuredClone(this.state), trainer });
    } catch (error) {
      if (!(error instanceof RunStorageError)) throw error;
      this.storageFailing = true;
      const space = error.kind === 'quota' ? ' Deleting saved runs or cached models frees space.' : '';
      this.emit('notice', `${error.message} Training goes on: the checkpoint of step ${step} is kept in this tab, and saving is tried again at the next checkpoint.${space}`);
      return;
    }
    if (this.storageFailing) {
      this.storageFailing = false;
      this.emit('notice', `Checkpoints are saved again (step ${step}).`);
    }
  }

  private setStatus(status: RunStatus, message?: string) {
    this.status = status;
    if (status === 'failed') this.failure = message;
    // A status the storage cannot keep is still the run's status here; the next checkpoint reports the storage.
    this.options.store.updateRun(this.options.runId, { status, message }).catch(() => undefined);
    this.emit('status', status, message);
  }

  private emit<K extends keyof RunEvents>(event: K, ...args: Parameters<RunEvents[K]>) {
    for (const listener of this.listeners[event]) (listener as (...a: Parameters<RunEvents[K]>) => void)(...args);
  }
}

function freshState(seed: number, trainSize: number): LoopState {
  const rng = new Rng(seed ^ 0x9e3779b9); // not the split's generator
  const order = rng.permutation(trainSize);
  return { epoch: 0, batchInEpoch: 0, globalStep: 0, rngState: rng.state, order, stepLosses: [], epochs: [], tokensSeen: 0 };
}

/** Lets the page paint and handle input between steps, even when a step finished without leaving the task. */
function yieldToPage(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
