import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../models/registry';
import { estimateTrainingMemory, MICRO_BATCH_ROWS, trainingMemoryProblem } from './memory';

const bertBase = parseModelConfig({
  model_type: 'bert', vocab_size: 30522, hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12,
  intermediate_size: 3072, max_position_embeddings: 512, type_vocab_size: 2,
});

describe('training memory estimate', () => {
  it('counts weights, gradients and two AdamW moments per parameter, plus activations of one micro-batch', () => {
    const m = estimateTrainingMemory(bertBase, 'full', 16, 128);
    expect(m.weightsBytes / 4).toBeGreaterThan(109e6); // bert-base: about 110M parameters
    expect(m.gradientBytes).toBe(m.weightsBytes);
    expect(m.optimizerBytes).toBe(2 * m.weightsBytes);
    // Activations are allocated for MICRO_BATCH_ROWS sequences at most: they grow with the batch up to it, then stop.
    const at = (B: number) => estimateTrainingMemory(bertBase, 'full', B, 128).activationBytes;
    expect(at(MICRO_BATCH_ROWS)).toBeGreaterThan(1.9 * at(MICRO_BATCH_ROWS / 2));
    expect(at(2 * MICRO_BATCH_ROWS)).toBe(at(MICRO_BATCH_ROWS));
    expect(estimateTrainingMemory(bertBase, 'head', 16, 128).totalBytes).toBeLessThan(m.weightsBytes * 1.1);
  });

  it('refuses a run over budget and suggests a batch size or length that fits', () => {
    const limits = { maxBufferBytes: 2 ** 30, budgetBytes: 3 * 2 ** 30 };
    expect(trainingMemoryProblem(bertBase, 'full', 2, 128, limits)).toBeUndefined();
    const problem = trainingMemoryProblem(bertBase, 'full', 8, 512, limits);
    expect(problem).toMatch(/does not fit: training at batch size 8 and max length 512 needs .* GiB in all, more than the 3\.00 GiB budget\. Try batch size \d+ or max length \d+\./);
  });
});
