import { describe, expect, it } from 'vitest';
import { testGpu } from '../kernels/testing';
import { gpt2WeightsToTensors } from '../weights/gpt2-weights';
import { Gpt2Train, nextTokenTargets, type Gpt2Batch } from './gpt2Train';
import { loadTinyGpt2 } from './testing/tinyModels';
import { compareGradients, readTrainingFixture, trainerOptions } from './testing/torchReference';
import { Trainer } from './trainer';

const GRADIENT_TOLERANCE = 1e-4; // relative to each tensor's largest gradient
const LOSS_TOLERANCE = 1e-4; // relative

describe('nextTokenTargets', () => {
  it('shifts each sequence by one and ignores its last position', () => {
    expect([...nextTokenTargets([5, 6, 7, 8, 9, 10], 2, 3)]).toEqual([6, 7, -100, 9, 10, -100]);
  });
});

describe('GPT-2 training step vs the torch reference', () => {
  it('matches every step-1 gradient and 10 AdamW losses, accumulating two micro-batches of one sequence', async () => {
    const gpu = await testGpu();
    const fixture = readTrainingFixture('tiny-gpt2');
    const { config, weights } = loadTinyGpt2();
    const { B, T } = fixture.batch;
    const graph = new Gpt2Train(gpu, config, weights, 1, T);
    const trainer = new Trainer(gpu, graph, trainerOptions(fixture));
    const microBatches: Gpt2Batch[] = Array.from({ length: B }, (_, b) => ({
      ids: fixture.batch.input_ids[b], targets: fixture.batch.targets![b], B: 1, T,
    }));

    const losses: number[] = [];
    for (let step = 0; step < fixture.losses.length; step++) {
      const result = await trainer.step(microBatches);
      losses.push(result.loss);
      if (step === 0) {
        const comparisons = compareGradients(fixture, await graph.read('grad'), GRADIENT_TOLERANCE);
        expect(comparisons.filter((c) => !c.ok).map((c) => c.name)).toEqual([]);
        const normDiff = Math.abs(result.gradNorm - fixture.grad_norm) / fixture.grad_norm;
        console.log(`grad norm ${result.gradNorm.toFixed(6)} vs torch ${fixture.grad_norm.toFixed(6)} (rel diff ${normDiff.toExponential(2)})`);
        expect(normDiff).toBeLessThan(1e-5);
      }
    }
    fixture.losses.forEach((expected, step) => {
      const diff = Math.abs(losses[step] - expected);
      console.log(`step ${step + 1}: loss ${losses[step].toFixed(6)} torch ${expected.toFixed(6)} diff ${diff.toExponential(2)}`);
      expect(diff / expected).toBeLessThan(LOSS_TOLERANCE);
    });
    trainer.dispose();
    graph.dispose();
  });
});

describe('GPT-2 parameter export', () => {
  it('gives back the checkpoint under Hugging Face names before any update', async () => {
    const gpu = await testGpu();
    const { config, weights } = loadTinyGpt2();
    const graph = new Gpt2Train(gpu, config, weights, 1, 4);
    const exported = await graph.read('param');
    const original = gpt2WeightsToTensors(weights);
    expect(exported.map((t) => t.name)).toEqual(original.map((t) => t.name));
    exported.forEach((tensor, i) => {
      expect(tensor.shape).toEqual(original[i].shape);
      expect(tensor.data).toEqual(original[i].data);
    });
    graph.dispose();
  });
});
