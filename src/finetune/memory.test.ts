import { describe, expect, it } from 'vitest';
import { parseModelConfig } from '../weights/config';
import { estimateTrainingMemory, trainingMemoryProblem } from './memory';

const bertBase = parseModelConfig({
  model_type: 'bert', vocab_size: 30522, hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12,
  intermediate_size: 3072, max_position_embeddings: 512, type_vocab_size: 2,
});

describe('training memory estimate', () => {
  it('counts weights, gradients and two AdamW moments per parameter, plus activations that grow with the batch', () => {
    const m = estimateTrainingMemory(bertBase, 'full', 16, 128);
    expect(m.weightsBytes / 4).toBeGreaterThan(109e6); // bert-base: about 110M parameters
    expect(m.gradientBytes).toBe(m.weightsBytes);
    expect(m.optimizerBytes).toBe(2 * m.weightsBytes);
    expect(estimateTrainingMemory(bertBase, 'full', 32, 128).activationBytes).toBeGreaterThan(1.9 * m.activationBytes);
    expect(estimateTrainingMemory(bertBase, 'head', 16, 128).totalBytes).toBeLessThan(m.weightsBytes * 1.1);
  });

  it('refuses a run over budget and suggests a batch size or length that fits', () => {
    const limits = { maxBufferBytes: 2 ** 30, budgetBytes: 3 * 2 ** 30 };
    expect(trainingMemoryProblem(bertBase, 'full', 8, 128, limits)).toBeUndefined();
    const problem = trainingMemoryProblem(bertBase, 'full', 64, 512, limits);
    expect(problem).toMatch(/does not fit: training at batch size 64 and max length 512 needs .* MiB in all, more than the 3072 MiB budget\. Try batch size \d+ or max length \d+\./);
  });
});
