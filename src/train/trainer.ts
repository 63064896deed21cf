// One optimizer step: zero the gradients, forward + backward over each micro-batch (gradients accumulate), the
// global gradient norm, then AdamW on every parameter with the gradient clipped to maxGradNorm. All recorded into
// one command encoder and submitted once. The AdamW state (step count, moments) can be saved and restored exactly.

import type { Gpu, Tensor } from '../gpu';
import type { Evaluation, TrainGraph } from '../models/training/graph';
import { adamw } from '../kernels/adamw/adamw';
import { hash32 } from '../kernels/dropout/hash';
import { gradNorm, gradNormSlots } from '../kernels/gradNorm/gradNorm';
import { zeroGradients } from '../models/training/parameters';
import { learningRate, type LrSchedule } from './schedule';

export interface TrainerOptions {
  schedule: LrSchedule;
  beta1?: number; // default 0.9
  beta2?: number; // default 0.999
  eps?: number; // default 1e-8
  /** Decoupled weight decay for matrices and embeddings (biases and LayerNorm gains never decay). Default 0.01. */
  weightDecay?: number;
  /** Clip the global gradient norm to this; 0 turns clipping off. Default 1. */
  maxGradNorm?: number;
  /** Seed of the dropout masks (when the graph has dropout): each step and micro-batch gets its own. Default 0. */
  seed?: number;
}

export interface StepResult {
  loss: number; // mean over every counted target of every micro-batch
  gradNorm: number; // before clipping
  lr: number;
}

export interface OptimizerState {
  step: number; // updates taken
  moments: { name: string; m: Float32Array; v: Float32Array }[];
}

export class Trainer<Batch> {
  private updates = 0;
  private readonly partials: Tensor; // sums of squares per chunk of each gradient
  private readonly norm: Tensor<'f32'>; // (1)
  private readonly hyper: Required<Omit<TrainerOptions, 'schedule'>>;

  constructor(
    private readonly gpu: Gpu,
    readonly graph: TrainGraph<Batch>,
    readonly options: TrainerOptions,
  ) {
    const { beta1 = 0.9, beta2 = 0.999, eps = 1e-8, weightDecay = 0.01, maxGradNorm = 1, seed = 0 } = options;
    this.hyper = { beta1, beta2, eps, weightDecay, maxGradNorm, seed };
    this.partials = gpu.tensor([gradNormSlots(graph.parameters.map((p) => p.grad))], 'f32', 'grad_norm_partials');
    this.norm = gpu.tensor([1], 'f32', 'grad_norm');
  }

  /** Updates taken so far. */
  get stepCount(): number {
    return this.updates;
  }

  /**
   * One update from the gradients of all `microBatches` together (their mean loss, as one big batch), at the
   * schedule's learning rate or at `lr` when the caller runs its own schedule.
   */
  async step(microBatches: readonly Batch[], lr = learningRate(this.options.schedule, this.updates)): Promise<StepResult> {
    const { graph, hyper } = this;
    const counted = microBatches.reduce((sum, batch) => sum + graph.countTargets(batch), 0);
    if (counted === 0) throw new Error('this step has no targets to learn from');
    const rec = this.gpu.recorder(`train step ${this.updates + 1}`);
    zeroGradients(rec, graph.parameters);
    const recordings = microBatches.map((batch, micro) =>
      graph.record(rec, batch, { lossScale: 1 / counted, dropoutSeed: hash32(hyper.seed ^ hash32(this.updates * 4096 + micro)) }),
    );
    gradNorm(rec, { grads: graph.parameters.map((p) => p.grad), partials: this.partials, norm: this.norm });
    const normRead = rec.read(this.norm);
    for (const p of graph.parameters) {
      adamw(rec, {
        param: p.param, grad: p.grad, m: p.m, v: p.v, n: p.param.numel, step: this.updates + 1,
        norm: this.norm, maxNorm: hyper.maxGradNorm,
        lr, beta1: hyper.beta1, beta2: hyper.beta2, eps: hyper.eps, weightDecay: p.decay ? hyper.weightDecay : 0,
      });
    }
    try {
      await rec.submit();
    } finally {
      recordings.forEach((recording) => recording.release());
    }
    this.updates++;
    let loss = 0;
    for (const losses of await Promise.all(recordings.map((recording) => recording.losses))) for (const value of losses) loss += value;
    return { loss, gradNorm: (await normRead)[0], lr };
  }

  /** The mean loss over every counted target of `batches` with no update; classification logits (rows, K) too. */
  async evaluate(batches: readonly Batch[]): Promise<{ loss: number; logits: Float32Array }> {
    const counted = batches.reduce((sum, batch) => sum + this.graph.countTargets(batch), 0);
    const rec = this.gpu.recorder('evaluate');
    const evaluations: Evaluation[] = batches.map((batch) => this.graph.recordEvaluation(rec, batch));
    try {
      await rec.submit();
    } finally {
      evaluations.forEach((evaluation) => evaluation.release());
    }
    let total = 0;
    for (const losses of await Promise.all(evaluations.map((evaluation) => evaluation.losses))) for (const value of losses) total += value;
    const logitRows = await Promise.all(evaluations.map((evaluation) => evaluation.logits ?? Promise.resolve(new Float32Array())));
    const logits = new Float32Array(logitRows.reduce((sum, rows) => sum + rows.length, 0));
    logitRows.reduce((offset, rows) => (logits.set(rows, offset), offset + rows.length), 0);
    return { loss: counted ? total / counted : NaN, logits };
  }

  /** The step count and both AdamW moments of every parameter (graph names), for a checkpoint. */
  async optimizerState(): Promise<OptimizerState> {
    const rec = this.gpu.recorder('read optimizer state');
    const reads = this.graph.parameters.map((p) => [rec.read(p.m as Tensor<'f32'>), rec.read(p.v as Tensor<'f32'>)]);
    await rec.submit();
    const moments = await Promise.all(
      this.graph.parameters.map(async (p, i) => ({ name: p.name, m: await reads[i][0], v: await reads[i][1] })),
    );
    return { step: this.updates, moments };
  }

  /** Restores a state from optimizerState(): the next update continues exactly where that run left off. */
  restoreOptimizerState(state: OptimizerState): void {
    const byName = new Map(state.moments.map((moment) => [moment.name, moment]));
    for (const p of this.graph.parameters) {
      const moment = byName.get(p.name);
      if (!moment || moment.m.length !== p.param.numel || moment.v.length !== p.param.numel) {
        throw new Error(`optimizer state has no moments of the right size for '${p.name}'`);
      }
      this.gpu.write(p.m, moment.m);
      this.gpu.write(p.v, moment.v);
    }
    this.updates = state.step;
  }

  dispose(): void {
    this.gpu.release(this.partials);
    this.gpu.release(this.norm);
  }
}
