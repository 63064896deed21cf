// Every family's training graph against the torch reference (scripts/train-reference/make_training_fixtures.py), llm.c
// style: every step-1 gradient, the gradient norm and 10 AdamW losses; then the parameter export, fresh heads, dropout
// (directional derivative) and an exact resume. Families join by adding their training fixture to TRAINING_FIXTURES.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Gpu } from '../gpu';
import { testGpu } from '../kernels/testing';
import { nextTokenTargets } from '../models/decoder/train';
import { FIXTURES } from '../models/testing/golden';
import { fixtureTrainGraph, loadFixture, type Fixture } from '../models/testing/fixtures';
import type { TrainBatch, TrainGraph } from '../models/training/graph';
import { directionalDerivative } from './testing/directionalDerivative';
import { expectTorchTraining, readTrainingFixture, trainerOptions, type TrainingFixture } from './testing/torchReference';
import { Trainer, type TrainerOptions } from './trainer';
import { hostSource } from '../weights/host-source';

/** Training fixtures (test/fixtures/training/<name>.json) whose family trains in this build. */
export const TRAINING_FIXTURES = ['tiny-gpt2', 'tiny-bert-cls', 'tiny-distilbert-cls', 'tiny-roberta-cls', 'tiny-gpt-neox', 'tiny-llama'];

/** Rows [first, first + B) of the fixture's batch as a TrainBatch. */
function rows({ batch }: TrainingFixture, first: number, B: number): TrainBatch {
  const pick = (table: number[][] | undefined) => table?.slice(first, first + B).flat();
  const targets = batch.labels ? batch.labels.slice(first, first + B) : pick(batch.targets)!;
  return { ids: pick(batch.input_ids)!, tokenTypeIds: pick(batch.token_type_ids), attentionMask: pick(batch.attention_mask), targets, B, T: batch.T };
}

/** Classification: micro-batches of 2 and 1 sequences; causal LM: one sequence each (gradients accumulate). */
function microBatches(fixture: TrainingFixture): TrainBatch[] {
  const { B } = fixture.batch;
  if (fixture.batch.labels) return [rows(fixture, 0, 2), rows(fixture, 2, B - 2)];
  return Array.from({ length: B }, (_, b) => rows(fixture, b, 1));
}

describe.each(TRAINING_FIXTURES)('%s training step vs the torch reference', (name) => {
  it('matches every step-1 gradient and 10 AdamW losses, accumulating micro-batches', async () => {
    const gpu = await testGpu();
    const fixture = readTrainingFixture(name);
    const model = loadFixture(name);
    const chunks = microBatches(fixture);
    const graph = fixtureTrainGraph(gpu, model, { maxB: Math.max(...chunks.map((c) => c.B)), maxT: fixture.batch.T });
    const trainer = new Trainer(gpu, graph, trainerOptions(fixture));
    await expectTorchTraining(fixture, graph, trainer, chunks);
    trainer.dispose();
    graph.dispose();
  });

  it('gives back the checkpoint under Hugging Face names before any update', async () => {
    const gpu = await testGpu();
    const model = loadFixture(name);
    const graph = fixtureTrainGraph(gpu, model, { maxB: 1, maxT: 4 });
    const exported = await graph.read('param');
    for (const tensor of exported) {
      expect(model.source.has(tensor.name), tensor.name).toBe(true);
      expect(tensor.shape).toEqual(model.source.entry(tensor.name).shape);
      expect(tensor.data).toEqual(model.source.hostTensor(tensor.name).data);
    }
    const trainable = model.family.kind === 'encoder' ? exported.length : model.source.names.length;
    expect(exported.length).toBe(trainable);
    graph.dispose();
  });
});

describe('fresh heads', () => {
  it('replace a classifier of another size by a seeded N(0, initializer_range) one with zero bias', async () => {
    const gpu = await testGpu();
    const model = loadFixture('tiny-bert-cls');
    const graph = fixtureTrainGraph(gpu, model, { maxB: 1, maxT: 4, numLabels: 5, seed: 7 });
    const tensors = new Map((await graph.read('param')).map((tensor) => [tensor.name, tensor]));
    const weight = tensors.get('classifier.weight')!;
    expect(weight.shape).toEqual([5, model.config.dims.C]);
    expect([...tensors.get('classifier.bias')!.data]).toEqual([0, 0, 0, 0, 0]);
    const std = Math.sqrt(weight.data.reduce((sum, value) => sum + value * value, 0) / weight.data.length);
    expect(std).toBeGreaterThan(0.015);
    expect(std).toBeLessThan(0.025);
    graph.dispose();
  });
});

const IDS = [5, 17, 250, 999, 3, 42, 7, 8];
const CAUSAL_BATCH: TrainBatch = { ids: IDS, targets: nextTokenTargets(IDS, 2, 4), B: 2, T: 4 };
const CLASSIFICATION_BATCH: TrainBatch = { ids: [101, 300, 301, 102, 101, 400, 102, 0], attentionMask: [1, 1, 1, 1, 1, 1, 1, 0], targets: [0, 2], B: 2, T: 4 };

async function checkDropout(gpu: Gpu, name: string, graph: TrainGraph, batch: TrainBatch) {
  const { analytic, numeric } = await directionalDerivative(gpu, graph, batch, 1234, 1e-2);
  const error = Math.abs(numeric - analytic) / analytic;
  console.log(`${name} with dropout 0.2: ‖∇loss‖ ${analytic.toFixed(6)}, central difference along it ${numeric.toFixed(6)}, rel error ${error.toExponential(2)}`);
  expect(error).toBeLessThan(1e-2);
  graph.dispose();
}

describe('dropout in the training graphs', () => {
  it('decoder: the backward pass applies the forward masks (directional derivative check)', async () => {
    const gpu = await testGpu();
    await checkDropout(gpu, 'GPT-2', fixtureTrainGraph(gpu, loadFixture('tiny-gpt2'), { maxB: 2, maxT: 4, dropout: 0.2 }), CAUSAL_BATCH);
  });

  it('encoder: the backward pass applies the forward masks (directional derivative check)', async () => {
    const gpu = await testGpu();
    await checkDropout(gpu, 'BERT', fixtureTrainGraph(gpu, loadFixture('tiny-bert-cls'), { maxB: 2, maxT: 4, dropout: 0.2 }), CLASSIFICATION_BATCH);
  });

  it('is off by default and changes the loss when on', async () => {
    const gpu = await testGpu();
    const model = loadFixture('tiny-bert-cls');
    const losses: number[] = [];
    const dispatchCounts: number[] = [];
    for (const dropout of [undefined, 0.2]) {
      const graph = fixtureTrainGraph(gpu, model, { maxB: 2, maxT: 4, dropout });
      const rec = gpu.recorder('dropout.test');
      const recording = graph.record(rec, CLASSIFICATION_BATCH, { lossScale: 0.5, dropoutSeed: 1 });
      dispatchCounts.push(rec.dispatchCount);
      await rec.submit();
      recording.release();
      losses.push((await recording.losses).reduce((sum, value) => sum + value, 0));
      console.log(`dropout ${dropout ?? 'default'}: ${dispatchCounts.at(-1)} dispatches, loss ${losses.at(-1)!.toFixed(6)}`);
      graph.dispose();
    }
    expect(dispatchCounts[1] - dispatchCounts[0]).toBe(2 * (1 + 2 * model.config.dims.L + 1)); // each site, both passes
    expect(losses[1]).not.toBeCloseTo(losses[0], 3);
  });
});

const OPTIONS: TrainerOptions = {
  schedule: { peakLr: 1e-2, warmupSteps: 1, totalSteps: 4, decay: 'linear' },
  weightDecay: 0.1,
  maxGradNorm: 0.5,
};

const BATCHES: TrainBatch[] = [CLASSIFICATION_BATCH, { ids: [101, 500, 501, 102], targets: [1], B: 1, T: 4 }];

function start(gpu: Gpu, model: Fixture) {
  const graph = fixtureTrainGraph(gpu, model, { maxB: 2, maxT: 4 });
  return { graph, trainer: new Trainer(gpu, graph, OPTIONS) };
}

describe('Trainer', () => {
  it('resumes from exported parameters and a saved optimizer state with the same losses, bit for bit', async () => {
    const gpu = await testGpu();
    const model = loadFixture('tiny-bert-cls');
    const straight = start(gpu, model);
    const losses: number[] = [];
    for (let step = 0; step < 4; step++) losses.push((await straight.trainer.step(BATCHES)).loss);

    const first = start(gpu, model);
    for (let step = 0; step < 2; step++) expect((await first.trainer.step(BATCHES)).loss).toBe(losses[step]);
    const state = await first.trainer.optimizerState();
    const saved = await first.graph.read('param');
    expect(state.step).toBe(2);

    const resumed = start(gpu, model);
    resumed.graph.loadParameters(hostSource(saved));
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
    const { graph, trainer } = start(gpu, loadFixture('tiny-bert-cls'));
    const lrs: number[] = [];
    for (let step = 0; step < 3; step++) lrs.push((await trainer.step(BATCHES)).lr);
    expect(lrs).toEqual([1e-2, 1e-2, 1e-2 * (1 - 1 / 3)]); // warm-up of 1, then linear decay over 3
    await expect(trainer.step([{ ...BATCHES[1], targets: [-100] }])).rejects.toThrow(/no targets/);
    trainer.dispose();
    graph.dispose();
  });
});

describe('training fixtures', () => {
  it('exist for every family listed', () => {
    for (const name of TRAINING_FIXTURES) expect(existsSync(join(FIXTURES, 'training', `${name}.json`)), name).toBe(true);
  });
});
