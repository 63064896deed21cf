// What a model will hold on the device, estimated from its config before anything is downloaded or allocated.

import type { ModelConfig } from '../weights/config';

export interface MemoryEstimate {
  weightsBytes: number;
  /** GPT-2: the per-layer qkv cache for the full context; BERT: none. */
  cacheBytes: number;
  /** Activations of one forward pass at the longest input, attention probabilities included. */
  activationBytes: number;
  totalBytes: number;
  /** The largest single buffer (the embedding table, usually), checked against maxStorageBufferBindingSize. */
  largestBufferBytes: number;
}

const F32 = 4;

export function estimateMemory(config: ModelConfig, T = config.family === 'gpt2' ? config.nPositions : config.maxPositionEmbeddings): MemoryEstimate {
  if (config.family === 'gpt2') {
    const { vocabSize: V, nPositions: P, nEmbd: C, nLayer: L, nInner: F, nHead: H } = config;
    const perBlock = 2 * C + C * 3 * C + 3 * C + C * C + C + 2 * C + C * F + F + F * C + C;
    const weights = (V * C + P * C + L * perBlock + 2 * C) * F32;
    const cache = L * P * 3 * C * F32;
    const activations = (4 * T * C + T * F + T * V + L * H * T * T) * F32;
    return finish(weights, cache, activations, V * C * F32);
  }
  const { vocabSize: V, maxPositionEmbeddings: P, typeVocabSize: TV, hiddenSize: C, numHiddenLayers: L, intermediateSize: F, numAttentionHeads: H } = config;
  const perLayer = 3 * C * C + 3 * C + C * C + C + 2 * C + F * C + F + C * F + C + 2 * C;
  const heads = C * C + C + 2 * C + V + C * C + C;
  const weights = ((V + P + TV) * C + 2 * C + L * perLayer + heads) * F32;
  const activations = (6 * T * C + T * F + T * V + L * H * T * T) * F32;
  return finish(weights, 0, activations, V * C * F32);
}

function finish(weightsBytes: number, cacheBytes: number, activationBytes: number, largestBufferBytes: number): MemoryEstimate {
  return { weightsBytes, cacheBytes, activationBytes, totalBytes: weightsBytes + cacheBytes + activationBytes, largestBufferBytes };
}

/**
 * A plain-words refusal when the estimate exceeds what the adapter allows, else undefined. A table larger than one
 * binding is fine (the GPU backend splits it); larger than one buffer is not.
 */
export function memoryProblem(estimate: MemoryEstimate, limits: { maxBufferSize: number }): string | undefined {
  const limit = limits.maxBufferSize;
  if (estimate.largestBufferBytes > limit) {
    return `The embedding table needs ${(estimate.largestBufferBytes / 2 ** 20).toFixed(0)} MiB in one buffer, but this GPU allows ${(limit / 2 ** 20).toFixed(0)} MiB per buffer.`;
  }
  return undefined;
}
