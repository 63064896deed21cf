import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { testGpu } from '../kernels/testing';
import { FIXTURES, readCheckpoint } from '../models/testing/golden';
import { parseModelConfig, type Gpt2Config } from '../weights/config';
import { gpt2WeightsFromSafetensors } from '../weights/gpt2-weights';
import { SafetensorsFile } from '../weights/safetensors';
import { Gpt2Train, nextTokenTargets, type Gpt2Batch } from './gpt2Train';
import { compareGradients, readTrainingFixture, trainerOptions } from './testing/torchReference';
import { Trainer } from './trainer';

const GRADIENT_TOLERANCE = 1e-4; // relative to each tensor's largest gradient
const LOSS_TOLERANCE = 1e-4; // relative

function loadTinyGpt2() {
  const { config, safetensors } = readCheckpoint(join(FIXTURES, 'models', 'tiny-gpt2'));
  const gpt2Config = parseModelConfig(config) as Gpt2Config;
  return { config: gpt2Config, weights: gpt2WeightsFromSafetensors(SafetensorsFile.parse(safetensors), gpt2Config) };
}

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
      const result = await trainer.train(microBatches);
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
