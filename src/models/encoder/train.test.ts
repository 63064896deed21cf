// What the torch training fixtures (src/train/trainingConformance.test.ts) do not pin: DistilBERT's fixed sinusoidal
// position table stays out of training (Hugging Face's requires_grad False) while everything else learns with a
// correct gradient, and a ReLU feed-forward layer (DistilBERT's `activation: relu`) trains with a correct gradient.
import { describe, expect, it } from 'vitest';
import { testGpu } from '../../kernels/testing';
import { directionalDerivative } from '../../train/testing/directionalDerivative';
import { Trainer } from '../../train/trainer';
import { hostSource } from '../../weights/host-source';
import { ConfigFields } from '../configFields';
import { fixtureTrainGraph, loadFixture } from '../testing/fixtures';
import type { TrainBatch } from '../training/graph';

const TABLE = 'distilbert.embeddings.position_embeddings.weight';
const BATCH: TrainBatch = { ids: [101, 30, 40, 50, 102, 101, 60, 102, 0, 0], attentionMask: [1, 1, 1, 1, 1, 1, 1, 1, 0, 0], targets: [1, 0], B: 2, T: 5 };

/**
 * The loss curves strongly along the gradient of these checkpoints (weights N(0, 0.2)): the central difference
 * reaches ‖∇loss‖ only for steps of about 1e-3 and below (at 1e-2 it is 25-30% off, for GELU and ReLU alike).
 */
async function checkGradient(name: string, graph: ReturnType<typeof fixtureTrainGraph>) {
  const gpu = await testGpu();
  const { analytic, numeric } = await directionalDerivative(gpu, graph, BATCH, 0, 3e-4);
  const error = Math.abs(numeric - analytic) / analytic;
  console.log(`${name}: ‖∇loss‖ ${analytic.toFixed(6)}, central difference along it ${numeric.toFixed(6)}, rel error ${error.toExponential(2)}`);
  expect(error).toBeLessThan(1e-2);
}

describe('DistilBERT with sinusoidal positions in training', () => {
  it('keeps the position table fixed (no gradient, no update) and trains the rest', async () => {
    const gpu = await testGpu();
    const fixture = loadFixture('tiny-distilbert-sinusoidal');
    const graph = fixtureTrainGraph(gpu, fixture, { maxB: 2, maxT: 5, numLabels: 2 });
    expect(graph.parameters.map((p) => p.name)).not.toContain(TABLE);
    await checkGradient('DistilBERT, sinusoidal positions', graph);

    const trainer = new Trainer(gpu, graph, { schedule: { peakLr: 1e-2, warmupSteps: 1, totalSteps: 3, decay: 'linear' }, weightDecay: 0.1 });
    for (let step = 0; step < 3; step++) await trainer.step([BATCH]);
    const after = new Map((await graph.read('param')).map((tensor) => [tensor.name, tensor]));
    expect(after.get(TABLE)!.data).toEqual(fixture.source.hostTensor(TABLE).data);
    const trained = [...after.keys()].filter((name) => name !== TABLE && fixture.source.has(name));
    expect(trained).toHaveLength(fixture.source.names.filter((name) => !name.startsWith('vocab_')).length - 1);
    for (const name of trained) expect(after.get(name)!.data, name).not.toEqual(fixture.source.hostTensor(name).data);
    expect((await graph.read('grad')).find((tensor) => tensor.name === TABLE)!.data.every((value) => value === 0)).toBe(true);
    trainer.dispose();
    graph.dispose();
  });
});

describe('a ReLU feed-forward layer in training', () => {
  it('has the gradient of central differences (DistilBERT with activation: relu)', async () => {
    const gpu = await testGpu();
    const fixture = loadFixture('tiny-distilbert-cls');
    const relu = fixture.family.parseConfig(new ConfigFields({ ...fixture.config.raw, activation: 'relu' }));
    expect(relu.dims.activation).toBe('relu');
    const tensors = fixture.source.names.map((name) => fixture.source.hostTensor(name));
    const graph = fixture.family.trainGraph(gpu, relu, hostSource(tensors), { task: 'classification', maxB: 2, maxT: 5, numLabels: 2 });
    await checkGradient('DistilBERT, ReLU feed-forward', graph);
    graph.dispose();
  });
});
