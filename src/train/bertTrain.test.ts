import { describe, expect, it } from 'vitest';
import { testGpu } from '../kernels/testing';
import { bertWeightsToTensors } from '../weights/bert-weights';
import { BertTrain, type BertBatch } from './bertTrain';
import { loadTinyBertCls } from './testing/tinyModels';
import { expectTorchTraining, readTrainingFixture, trainerOptions, type TrainingFixture } from './testing/torchReference';
import { Trainer } from './trainer';

/** Rows [first, first + B) of the fixture's batch. */
function rows({ batch }: TrainingFixture, first: number, B: number): BertBatch {
  const pick = (table: number[][]) => table.slice(first, first + B).flat();
  return {
    ids: pick(batch.input_ids), tokenTypeIds: pick(batch.token_type_ids!), attentionMask: pick(batch.attention_mask!),
    labels: batch.labels!.slice(first, first + B), B, T: batch.T,
  };
}

describe('BERT classification training step vs the torch reference', () => {
  it('matches every step-1 gradient and 10 AdamW losses, accumulating micro-batches of 2 and 1 sequences', async () => {
    const gpu = await testGpu();
    const fixture = readTrainingFixture('tiny-bert-cls');
    const { config, weights } = loadTinyBertCls();
    const graph = new BertTrain(gpu, config, weights, 2, fixture.batch.T, { numLabels: config.numLabels });
    const trainer = new Trainer(gpu, graph, trainerOptions(fixture));
    const microBatches = [rows(fixture, 0, 2), rows(fixture, 2, 1)];

    await expectTorchTraining(fixture, graph, trainer, microBatches);
    trainer.dispose();
    graph.dispose();
  });
});

describe('BERT parameter export and fresh heads', () => {
  it('gives back the checkpoint under Hugging Face names, q, k and v split again, before any update', async () => {
    const gpu = await testGpu();
    const { config, weights } = loadTinyBertCls();
    const graph = new BertTrain(gpu, config, weights, 1, 4, { numLabels: config.numLabels });
    const exported = await graph.read('param');
    const original = bertWeightsToTensors(weights);
    expect(exported.map((t) => t.name)).toEqual(original.map((t) => t.name));
    exported.forEach((tensor, i) => {
      expect(tensor.shape).toEqual(original[i].shape);
      expect(tensor.data).toEqual(original[i].data);
    });
    graph.dispose();
  });

  it('replaces a classifier of another size by a seeded N(0, 0.02) one with zero bias', async () => {
    const gpu = await testGpu();
    const { config, weights } = loadTinyBertCls();
    const graph = new BertTrain(gpu, config, weights, 1, 4, { numLabels: 5, seed: 7 });
    const { classifier } = await graph.weights('param');
    expect(classifier!.weight.shape).toEqual([5, config.hiddenSize]);
    expect([...classifier!.bias.data]).toEqual([0, 0, 0, 0, 0]);
    const values = [...classifier!.weight.data];
    const std = Math.sqrt(values.reduce((sum, value) => sum + value * value, 0) / values.length);
    expect(std).toBeGreaterThan(0.015);
    expect(std).toBeLessThan(0.025);
    graph.dispose();
  });
});
