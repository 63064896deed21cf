// A checkpoint is everything a run needs to continue exactly where it was: the trainer's parameters and AdamW
// moments, the loop's position (epoch, batch, step), this epoch's data order and the RNG state, and the history
// shown in the charts. Encoded as a small JSON header plus one ArrayBuffer per array, which IndexedDB stores as is.

import type { EpochMetrics } from './metrics';

/** The trainer's side: parameters, optimizer moments and its step count, typed arrays by name. */
export interface TrainerState {
  step: number;
  tensors: Record<string, Float32Array>;
}

/** Validation before any training: the "before" of perplexity and accuracy. */
export interface InitialMetrics {
  validationLoss: number;
  accuracy?: number;
  perplexity?: number;
}

export interface LoopState {
  epoch: number; // 0-based epoch in progress
  batchInEpoch: number; // next batch of that epoch
  globalStep: number; // optimizer steps done
  rngState: number;
  order: Int32Array; // this epoch's permutation of the training examples
  stepLosses: number[]; // every step's loss so far
  epochs: EpochMetrics[];
  initial?: InitialMetrics;
  tokensSeen: number;
}

export interface Checkpoint {
  runId: string;
  savedAt: number; // ms since the epoch
  loop: LoopState;
  trainer: TrainerState;
}

export interface EncodedCheckpoint {
  runId: string;
  header: string; // JSON
  buffers: ArrayBuffer[]; // order, then the trainer's tensors in header order
}

interface Header {
  savedAt: number;
  loop: Omit<LoopState, 'order'>;
  trainerStep: number;
  tensors: { name: string; length: number }[];
}

export function encodeCheckpoint(checkpoint: Checkpoint): EncodedCheckpoint {
  const { order, ...loop } = checkpoint.loop;
  const names = Object.keys(checkpoint.trainer.tensors);
  const header: Header = {
    savedAt: checkpoint.savedAt,
    loop,
    trainerStep: checkpoint.trainer.step,
    tensors: names.map((name) => ({ name, length: checkpoint.trainer.tensors[name].length })),
  };
  const copy = (array: Float32Array | Int32Array) => array.buffer.slice(array.byteOffset, array.byteOffset + array.byteLength) as ArrayBuffer;
  return {
    runId: checkpoint.runId,
    header: JSON.stringify(header),
    buffers: [copy(order), ...names.map((name) => copy(checkpoint.trainer.tensors[name]))],
  };
}

export function decodeCheckpoint(encoded: EncodedCheckpoint): Checkpoint {
  const header = JSON.parse(encoded.header) as Header;
  if (encoded.buffers.length !== header.tensors.length + 1) {
    throw new Error(`Checkpoint of run ${encoded.runId} is damaged: ${encoded.buffers.length} arrays for ${header.tensors.length + 1}.`);
  }
  const tensors: Record<string, Float32Array> = {};
  header.tensors.forEach(({ name, length }, i) => {
    const data = new Float32Array(encoded.buffers[i + 1]);
    if (data.length !== length) throw new Error(`Checkpoint of run ${encoded.runId} is damaged: ${name} has ${data.length} values, not ${length}.`);
    tensors[name] = data;
  });
  return {
    runId: encoded.runId,
    savedAt: header.savedAt,
    loop: { ...header.loop, order: new Int32Array(encoded.buffers[0]) },
    trainer: { step: header.trainerStep, tensors },
  };
}
