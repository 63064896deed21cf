// What the trainer (src/train) needs from a model's training graph, and what a family's graph is built from. Graphs are
// written llm.c style in the architectures (src/models/encoder/train.ts, src/models/decoder/train.ts): a forward pass that
// keeps every activation the backward pass reads, the loss, then the backward pass in reverse.

import type { Recorder, Tensor } from '../../gpu';
import type { HostTensor } from '../../weights/host-tensor';
import type { TensorSource } from '../../weights/tensor-source';
import type { LanguageModel, TrainingTask } from '../family';
import type { TrainableParameter } from './parameters';

/** B sequences of T tokens, row-major. */
export interface TrainBatch {
  ids: ArrayLike<number>; // (B, T)
  tokenTypeIds?: ArrayLike<number>; // (B, T), 0 when absent
  attentionMask?: ArrayLike<number>; // (B, T) 1 token, 0 padding; all 1 when absent
  /** Classification: (B) class ids; causal LM: (B, T) the next token at each position. IGNORE_INDEX (-100) skips one. */
  targets: ArrayLike<number>;
  B: number;
  T: number;
}

export interface TrainGraphOptions {
  task: TrainingTask;
  /** Activations are allocated for up to maxB sequences of maxT tokens. */
  maxB: number;
  maxT: number;
  /** Classification: classes of the classifier; a checkpoint's classifier of another size is replaced by a fresh one. */
  numLabels?: number;
  /** Seed of fresh heads' N(0, initializer_range) weights. */
  seed?: number;
  /** Dropout probability where Hugging Face puts it outside attention (hidden_dropout_prob / resid_pdrop); default 0. */
  dropout?: number;
}

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

export interface TrainGraph<Batch = TrainBatch> {
  readonly task: TrainingTask;
  readonly parameters: readonly TrainableParameter[];
  /** How many targets of `batch` count towards the loss (ignored ones excluded). */
  countTargets(batch: Batch): number;
  /** Uploads the batch and records the forward pass, the loss and the backward pass; parameter gradients are added to (+=). */
  record(rec: Recorder, batch: Batch, context: MicroBatchContext): MicroBatchRecording;
  /** Forward pass and per-row losses only (no dropout, no gradients): validation, and predictions between steps. */
  recordEvaluation(rec: Recorder, batch: Batch): Evaluation;
  /** The parameters (or their gradients) as host tensors under Hugging Face's names and layouts. */
  read(which: 'param' | 'grad'): Promise<HostTensor[]>;
  /** Overwrites every parameter from a checkpoint under Hugging Face's names (a saved training state). */
  loadParameters(source: TensorSource): void;
  /** The inference model over the same parameter tensors (no copy): sampling mid-run sees the weights as they are now. */
  model(): LanguageModel<Tensor>;
  dispose(): void;
}
