// What the trainer needs from a model's training graph (gpt2Train.ts, bertTrain.ts).

import type { Recorder } from '../gpu';
import type { HostTensor } from '../weights/host-tensor';
import type { TrainableParameter } from './parameters';

export interface MicroBatchRecording {
  /** Each target row's share of the loss (already scaled): their sum is this micro-batch's part of the mean. */
  losses: Promise<Float32Array>;
  /** Frees the micro-batch's input tensors; call after the recorder was submitted. */
  release(): void;
}

export interface Evaluation extends MicroBatchRecording {
  /** Classification: the logits (B, numLabels), read before the loss overwrites them. */
  logits?: Promise<Float32Array>;
}

export interface MicroBatchContext {
  /** 1 / (targets counted over every micro-batch of the step). */
  lossScale: number;
  /** Picks this micro-batch's dropout masks (unused when dropout is off). */
  dropoutSeed: number;
}

export interface TrainGraph<Batch> {
  readonly parameters: readonly TrainableParameter[];
  /** How many targets of `batch` count towards the loss (ignored ones excluded). */
  countTargets(batch: Batch): number;
  /** Uploads the batch and records the forward pass, the loss and the backward pass; parameter gradients are added to (+=). */
  record(rec: Recorder, batch: Batch, context: MicroBatchContext): MicroBatchRecording;
  /** Forward pass and per-row losses only (no dropout, no gradients): validation, and predictions between steps. */
  recordEvaluation(rec: Recorder, batch: Batch): Evaluation;
  /** The parameters (or their gradients) as host tensors under Hugging Face's names and layouts. */
  read(which: 'param' | 'grad'): Promise<HostTensor[]>;
  dispose(): void;
}
