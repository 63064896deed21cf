// Before a run starts: what training will hold on the GPU, from the shapes the family's training graph allocates
// (weights, gradients, AdamW's two moments, the activations of one micro-batch), checked against the adapter's
// per-buffer limit and a memory budget, with a suggestion when it does not fit.

import { formatBytes } from '../common/format';
import type { ModelConfig, TrainingMemory } from '../models/family';
import { familyOf } from '../models/registry';
import type { TrainingMode } from './hyperparameters';

export type { TrainingMemory };

/** Rows per micro-batch: activations are allocated for this many sequences of maxLength tokens. */
export const MICRO_BATCH_ROWS = 8;

export function estimateTrainingMemory(config: ModelConfig, mode: TrainingMode, batchSize: number, maxLength: number, numLabels = 2): TrainingMemory {
  const family = familyOf(config);
  if (mode === 'full') {
    const task = family.kind === 'encoder' ? 'classification' : 'causal-lm';
    return family.trainingMemory(config, task, Math.min(batchSize, MICRO_BATCH_ROWS), maxLength, numLabels);
  }
  // The frozen encoder runs one example at a time on the inference path; the head (C², C·K) trains on the host.
  const inference = family.memory(config, maxLength);
  const { C } = config.dims;
  const trainable = C * C + C + (C + 1) * numLabels;
  const F32 = 4;
  return {
    weightsBytes: inference.weightsBytes,
    gradientBytes: trainable * F32,
    optimizerBytes: 2 * trainable * F32,
    activationBytes: inference.activationBytes,
    totalBytes: inference.weightsBytes + inference.activationBytes + 3 * trainable * F32,
    largestBufferBytes: inference.largestBufferBytes,
  };
}

export interface MemoryLimits {
  maxBufferBytes: number; // min(maxBufferSize, maxStorageBufferBindingSize)
  budgetBytes: number; // what the run may hold in all
}

/** A plain-words refusal with a batch size or length that would fit, else undefined. */
export function trainingMemoryProblem(
  config: ModelConfig,
  mode: TrainingMode,
  batchSize: number,
  maxLength: number,
  limits: MemoryLimits,
  numLabels?: number,
): string | undefined {
  const fits = (b: number, t: number) => {
    const m = estimateTrainingMemory(config, mode, b, t, numLabels);
    return m.totalBytes <= limits.budgetBytes && m.largestBufferBytes <= limits.maxBufferBytes;
  };
  if (fits(batchSize, maxLength)) return undefined;
  const need = estimateTrainingMemory(config, mode, batchSize, maxLength, numLabels);
  const what = need.totalBytes > limits.budgetBytes
    ? `${formatBytes(need.totalBytes)} in all, more than the ${formatBytes(limits.budgetBytes)} budget`
    : `a ${formatBytes(need.largestBufferBytes)} buffer, more than this GPU's ${formatBytes(limits.maxBufferBytes)} per buffer`;
  let smallerBatch = batchSize - 1;
  while (smallerBatch >= 1 && !fits(smallerBatch, maxLength)) smallerBatch--;
  let shorter = maxLength - 1;
  while (shorter >= 8 && !fits(batchSize, shorter)) shorter = Math.floor(shorter * 0.9);
  const suggestions = [
    smallerBatch >= 1 ? `batch size ${smallerBatch}` : undefined,
    shorter >= 8 ? `max length ${shorter}` : undefined,
  ].filter(Boolean);
  const advice = suggestions.length > 0 ? `Try ${suggestions.join(' or ')}.` : 'Even one short example does not fit: pick a smaller model.';
  return `This run does not fit: training at batch size ${batchSize} and max length ${maxLength} needs ${what}. ${advice}`;
}
