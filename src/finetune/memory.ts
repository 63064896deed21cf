// Before a run starts: what training will hold on the GPU (weights, gradients, AdamW's two moments, activations for
// one batch), checked against the adapter's per-buffer limit and a memory budget, with a suggestion when it does not fit.

import type { ModelConfig } from '../weights/config';
import { estimateMemory } from '../engine/memory';
import type { TrainingMode } from './hyperparameters';

export interface TrainingMemory {
  weightsBytes: number;
  gradientBytes: number;
  optimizerBytes: number; // AdamW m and v
  activationBytes: number;
  totalBytes: number;
  largestBufferBytes: number;
}

const F32 = 4;

export function estimateTrainingMemory(config: ModelConfig, mode: TrainingMode, batchSize: number, maxLength: number, numLabels = 2): TrainingMemory {
  const weightsBytes = estimateMemory(config, maxLength).weightsBytes;
  const C = config.family === 'gpt2' ? config.nEmbd : config.hiddenSize;
  const trainable = mode === 'head' ? (C + 1) * numLabels : weightsBytes / F32;
  // Full training keeps every layer's activations for the backward pass (llm.c's list per layer: layernorm
  // outputs, q k v, attention scores and probabilities, the MLP's two F-wide tensors, residuals), plus the
  // logits and their gradient for causal LM. The frozen encoder runs one example at a time and keeps nothing.
  const { L, H, F, V } =
    config.family === 'gpt2'
      ? { L: config.nLayer, H: config.nHead, F: config.nInner, V: config.vocabSize }
      : { L: config.numHiddenLayers, H: config.numAttentionHeads, F: config.intermediateSize, V: 0 };
  const rows = mode === 'head' ? 1 : batchSize;
  const BT = rows * maxLength;
  const perLayer = BT * (9 * C + 2 * F) + 2 * rows * H * maxLength * maxLength;
  const logits = 2 * BT * V;
  const saved = mode === 'head' ? perLayer : L * perLayer + perLayer;
  const activationBytes = (saved + 2 * BT * C + logits) * F32;
  const largestBufferBytes = Math.max(estimateMemory(config, maxLength).largestBufferBytes, BT * V * F32, rows * H * maxLength * maxLength * F32);
  const gradientBytes = trainable * F32;
  const optimizerBytes = 2 * trainable * F32;
  return { weightsBytes, gradientBytes, optimizerBytes, activationBytes, totalBytes: weightsBytes + gradientBytes + optimizerBytes + activationBytes, largestBufferBytes };
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
    ? `${mib(need.totalBytes)} in all, more than the ${mib(limits.budgetBytes)} budget`
    : `a ${mib(need.largestBufferBytes)} buffer, more than this GPU's ${mib(limits.maxBufferBytes)} per buffer`;
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

function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(bytes < 2 ** 20 ? 2 : 0)} MiB`;
}
