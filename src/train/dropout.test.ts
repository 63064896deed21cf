import { describe, expect, it } from 'vitest';
import type { Gpu } from '../gpu';
import { testGpu } from '../kernels/testing';
import { BertTrain, type BertBatch } from './bertTrain';
import { Gpt2Train, nextTokenTargets, type Gpt2Batch } from './gpt2Train';
import type { TrainGraph } from './graph';
import { directionalDerivative } from './testing/directionalDerivative';
import { loadTinyBertCls, loadTinyGpt2 } from './testing/tinyModels';

const IDS = [5, 17, 250, 999, 3, 42, 7, 8];
const GPT2_BATCH: Gpt2Batch = { ids: IDS, targets: nextTokenTargets(IDS, 2, 4), B: 2, T: 4 };
const BERT_BATCH: BertBatch = { ids: [101, 300, 301, 102, 101, 400, 102, 0], attentionMask: [1, 1, 1, 1, 1, 1, 1, 0], labels: [0, 2], B: 2, T: 4 };

async function check<Batch>(gpu: Gpu, name: string, graph: TrainGraph<Batch>, batch: Batch) {
  const { analytic, numeric } = await directionalDerivative(gpu, graph, batch, 1234, 1e-2);
  const error = Math.abs(numeric - analytic) / analytic;
  console.log(`${name} with dropout 0.2: ‖∇loss‖ ${analytic.toFixed(6)}, central difference along it ${numeric.toFixed(6)}, rel error ${error.toExponential(2)}`);
  expect(error).toBeLessThan(1e-2);
  graph.dispose();
}

describe('dropout in the training graphs', () => {
  it('GPT-2: the backward pass applies the forward masks (directional derivative check)', async () => {
    const gpu = await testGpu();
    const { config, weights } = loadTinyGpt2();
    await check(gpu, 'GPT-2', new Gpt2Train(gpu, config, weights, 2, 4, { dropout: 0.2 }), GPT2_BATCH);
  });

  it('BERT: the backward pass applies the forward masks (directional derivative check)', async () => {
    const gpu = await testGpu();
    const { config, weights } = loadTinyBertCls();
    await check(gpu, 'BERT', new BertTrain(gpu, config, weights, 2, 4, { numLabels: 3, dropout: 0.2 }), BERT_BATCH);
  });

  it('is off by default and changes the loss when on', async () => {
    const gpu = await testGpu();
    const { config, weights } = loadTinyBertCls();
    const losses: number[] = [];
    const dispatchCounts: number[] = [];
    for (const dropout of [undefined, 0.2]) {
      const graph = new BertTrain(gpu, config, weights, 2, 4, { numLabels: 3, dropout });
      const rec = gpu.recorder('dropout.test');
      const recording = graph.record(rec, BERT_BATCH, { lossScale: 0.5, dropoutSeed: 1 });
      dispatchCounts.push(rec.dispatchCount);
      await rec.submit();
      recording.release();
      losses.push((await recording.losses).reduce((sum, value) => sum + value, 0));
      console.log(`dropout ${dropout ?? 'default'}: ${dispatchCounts.at(-1)} dispatches, loss ${losses.at(-1)!.toFixed(6)}`);
      graph.dispose();
    }
    expect(dispatchCounts[1] - dispatchCounts[0]).toBe(2 * (1 + 2 * config.numHiddenLayers + 1)); // each site, both passes
    expect(losses[1]).not.toBeCloseTo(losses[0], 3);
  });
});
