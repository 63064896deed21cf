import { describe, expect, it } from 'vitest';
import { testGpu } from '../kernels/testing';
import { gpt2WeightsToTensors } from '../weights/gpt2-weights';
import { Gpt2Train, nextTokenTargets, type Gpt2Batch } from './gpt2Train';
import { loadTinyGpt2 } from './testing/tinyModels';
import { expectTorchTraining, readTrainingFixture, trainerOptions } from './testing/torchReference';
import { Trainer } from './trainer';

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

    await expectTorchTraining(fixture, graph, trainer, microBatches);
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
