import { describe, expect, it } from 'vitest';
import type { Gpu } from '../gpu';
import { testGpu } from '../kernels/testing';
import type { BertWeights } from '../weights/bert-weights';
import { BertTrain, type BertBatch } from './bertTrain';
import { loadTinyBertCls } from './testing/tinyModels';
import { Trainer, type TrainerOptions } from './trainer';

const OPTIONS: TrainerOptions = {
  schedule: { peakLr: 1e-2, warmupSteps: 1, totalSteps: 4, decay: 'linear' },
  weightDecay: 0.1,
  maxGradNorm: 0.5,
};

const BATCHES: BertBatch[] = [
  { ids: [101, 300, 301, 102, 101, 400, 102, 0], attentionMask: [1, 1, 1, 1, 1, 1, 1, 0], labels: [0, 2], B: 2, T: 4 },
  { ids: [101, 500, 501, 102], labels: [1], B: 1, T: 4 },
];

function start(gpu: Gpu, weights: BertWeights) {
  const { config } = loadTinyBertCls();
  const graph = new BertTrain(gpu, config, weights, 2, 4, { numLabels: config.numLabels });
  return { graph, trainer: new Trainer(gpu, graph, OPTIONS) };
}

describe('Trainer', () => {
  it('resumes from exported parameters and a saved optimizer state with the same losses, bit for bit', async () => {
    const gpu = await testGpu();
    const straight = start(gpu, loadTinyBertCls().weights);
    const losses: number[] = [];
    for (let step = 0; step < 4; step++) losses.push((await straight.trainer.step(BATCHES)).loss);

    const first = start(gpu, loadTinyBertCls().weights);
    for (let step = 0; step < 2; step++) expect((await first.trainer.step(BATCHES)).loss).toBe(losses[step]);
    const state = await first.trainer.optimizerState();
    const weights = await first.graph.weights('param');
    expect(state.step).toBe(2);

    const resumed = start(gpu, weights);
    resumed.trainer.restoreOptimizerState(state);
    expect(resumed.trainer.stepCount).toBe(2);
    for (let step = 2; step < 4; step++) expect((await resumed.trainer.step(BATCHES)).loss).toBe(losses[step]);
    console.log(`losses ${losses.map((loss) => loss.toFixed(6)).join(' ')}; resumed run identical`);
    expect(losses[3]).toBeLessThan(losses[0]);
    for (const run of [straight, first, resumed]) {
      run.trainer.dispose();
      run.graph.dispose();
    }
  });

  it('reports the schedule learning rate and refuses a step without targets', async () => {
    const gpu = await testGpu();
    const { graph, trainer } = start(gpu, loadTinyBertCls().weights);
    const lrs: number[] = [];
    for (let step = 0; step < 3; step++) lrs.push((await trainer.step(BATCHES)).lr);
    expect(lrs).toEqual([1e-2, 1e-2, 1e-2 * (1 - 1 / 3)]); // warm-up of 1, then linear decay over 3
    await expect(trainer.step([{ ...BATCHES[1], labels: [-100] }])).rejects.toThrow(/no targets/);
    trainer.dispose();
    graph.dispose();
  });
});
