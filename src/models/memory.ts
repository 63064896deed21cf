// Device memory from the shapes a model allocates (parameters, KV cache, activations), and the refusal when it cannot
// fit: checked as soon as config.json arrives, before any weight is downloaded or any buffer allocated.

import { formatBytes } from '../common/format';
import type { MemoryEstimate, TrainingMemory } from './family';
import { bytesPerWeight, packingProblem, type WeightFormat } from '../kernels/matmul/packed.ref';
import { largestParam, mapParams, numel, paramCount, type MatmulWeights, type ParamTree } from './params';

const F32 = 4;

/** The matmul weights of a struct and the format they are stored in (f32 unless packed). */
export interface WeightStorage {
  matmulWeights: MatmulWeights;
  format: WeightFormat;
}

/** Bytes of a struct's weights on the device: matmul weights whose K suits the format packed, everything else f32. */
export function weightBytes(params: ParamTree, storage?: WeightStorage): number {
  let bytes = 0;
  mapParams(params, params, (_leaf, path, shape) => {
    const layout = storage?.matmulWeights(path);
    const K = layout === 'nk' ? shape[1] : shape[0];
    const packed = layout && storage && !packingProblem(K, storage.format);
    bytes += numel(shape) * (packed ? bytesPerWeight(storage.format) : F32);
  });
  return bytes;
}

export function memoryEstimate(params: ParamTree, cache: ParamTree | undefined, activations: ParamTree, storage?: WeightStorage): MemoryEstimate {
  const weightsBytes = weightBytes(params, storage);
  const cacheBytes = cache ? paramCount(cache) * F32 : 0;
  const activationBytes = paramCount(activations) * F32;
  const largestBufferBytes = Math.max(largestParam(params), cache ? largestParam(cache) : 0, largestParam(activations)) * F32;
  return { weightsBytes, cacheBytes, activationBytes, totalBytes: weightsBytes + cacheBytes + activationBytes, largestBufferBytes };
}

/** Training every parameter: weights, their gradients, AdamW's two moments, and the graph's activations. */
export function trainingMemory(params: ParamTree, activations: ParamTree): TrainingMemory {
  const weightsBytes = paramCount(params) * F32;
  const activationBytes = paramCount(activations) * F32;
  const largestBufferBytes = Math.max(largestParam(params), largestParam(activations)) * F32;
  return {
    weightsBytes,
    gradientBytes: weightsBytes,
    optimizerBytes: 2 * weightsBytes,
    activationBytes,
    totalBytes: 4 * weightsBytes + activationBytes,
    largestBufferBytes,
  };
}

export interface DeviceLimits {
  maxBufferSize: number;
  /** What the page lets one model hold in all (a software adapter gets less). */
  budgetBytes: number;
}

/** A plain-words refusal when the estimate exceeds what the device allows or the budget, else undefined. */
export function memoryProblem(estimate: MemoryEstimate, limits: DeviceLimits): string | undefined {
  if (estimate.largestBufferBytes > limits.maxBufferSize) {
    return `This model needs a ${formatBytes(estimate.largestBufferBytes)} buffer, but this GPU allows ${formatBytes(limits.maxBufferSize)} per buffer.`;
  }
  if (estimate.totalBytes > limits.budgetBytes) {
    const parts = [`weights ${formatBytes(estimate.weightsBytes)}`];
    if (estimate.cacheBytes > 0) parts.push(`KV cache ${formatBytes(estimate.cacheBytes)}`);
    parts.push(`activations ${formatBytes(estimate.activationBytes)}`);
    return `This model needs ${formatBytes(estimate.totalBytes)} of GPU memory (${parts.join(', ')}), more than the ${formatBytes(limits.budgetBytes)} this page allows on this device.`;
  }
  return undefined;
}
