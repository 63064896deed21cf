// The rotary decoders' training graphs with dropout on (the torch fixtures run without it): the backward pass must apply
// the forward's masks on every branch, the parallel residual's two included (a directional derivative check), and a
// mid-run sample sees the weights being trained.
import { describe, expect, it } from 'vitest';
import { testGpu } from '../../kernels/testing';
import { directionalDerivative } from '../../train/testing/directionalDerivative';
import { Trainer } from '../../train/trainer';
import { fixtureTrainGraph, loadFixture } from '../testing/fixtures';
import type { TrainBatch } from '../training/graph';
import { nextTokenTargets } from './train';

const IDS = [5, 17, 250, 99, 3, 42, 7, 8];
const BATCH: TrainBatch = { ids: IDS, targets: nextTokenTargets(IDS, 2, 4), B: 2, T: 4 };

describe('rotary decoder training graphs', () => {
  it.each(['tiny-gpt-neox', 'tiny-gpt-neox-sequential', 'tiny-llama', 'tiny-qwen2'])('%s with dropout 0.2: the backward pass applies the forward masks', async (name) => {
    const gpu = await testGpu();
    const graph = fixtureTrainGraph(gpu, loadFixture(name), { maxB: 2, maxT: 4, dropout: 0.2 });
    const { analytic, numeric } = await directionalDerivative(gpu, graph, BATCH, 99, 1e-2);
    const error = Math.abs(numeric - analytic) / analytic;
    console.log(`${name} with dropout 0.2: ‖∇loss‖ ${analytic.toFixed(6)}, central difference along it ${numeric.toFixed(6)}, rel error ${error.toExponential(2)}`);
    expect(error).toBeLessThan(1e-2);
    graph.dispose();
  });

  it('samples mid-run from the weights being trained (the inference model shares the parameters)', async () => {
    const gpu = await testGpu();
    const llama = loadFixture('tiny-llama');
    const graph = fixtureTrainGraph(gpu, llama, { maxB: 2, maxT: 4 });
    const model = graph.model();
    const before = (await model.forward({ ids: IDS.slice(0, 4) }, { logits: 'all' })).logits!;
    const trainer = new Trainer(gpu, graph, { schedule: { peakLr: 1e-2, warmupSteps: 1, totalSteps: 2, decay: 'linear' }, weightDecay: 0, maxGradNorm: 1 });
    await trainer.step([BATCH]);
    model.resetCache();
    const after = (await model.forward({ ids: IDS.slice(0, 4) }, { logits: 'all' })).logits!;
    expect(after.some((value, i) => Math.abs(value - before[i]) > 1e-3)).toBe(true);
    const fresh = llama.family.createModel(model.backend, llama.config, llama.source);
    const original = (await fresh.forward({ ids: IDS.slice(0, 4) }, { logits: 'all' })).logits!;
    expect(Math.max(...before.map((value, i) => Math.abs(value - original[i])))).toBeLessThan(1e-5);
    fresh.dispose();
    model.dispose();
    trainer.dispose();
    graph.dispose();
  });
});
