import { describe, expect, it } from 'vitest';
import { SafetensorsFile } from '../weights/safetensors';
import { buildModel } from '../models/checkpoint';
import { createCpuBackend } from '../models/cpuBackend';
import { guessMapping, toExamples } from './data/examples';
import { parseTable } from './data/parseTable';
import { FineTuneRun, type RunEnvironment } from './run';
import type { RunData } from './runStore';
import type { TrainingStepper } from './session';
import { sentimentTsv, testEnvironment } from './testing/fixtures';

const table = parseTable(sentimentTsv(120), 'tsv');
const { examples, labels } = toExamples(table, guessMapping(table));
const data: RunData = { task: 'classification', examples, labels };
const settings = {
  task: 'classification' as const,
  mode: 'head' as const,
  model: 'tiny-bert',
  hyperparameters: { batchSize: 8, epochs: 2, maxLength: 16, checkpointEvery: 4, learningRate: 0.05 },
};

/** Wraps the run's stepper: throws (a crashed tab) or returns NaN from a given step on. */
function sabotage(run: FineTuneRun, atStep: number, how: 'crash' | 'nan') {
  const stepper = (run as unknown as { stepper: TrainingStepper }).stepper;
  const step = stepper.step.bind(stepper);
  let count = 0;
  stepper.step = async (batch, learningRate) => {
    if (++count < atStep) return step(batch, learningRate);
    if (how === 'crash') throw new Error('the tab closed');
    return { loss: Number.NaN };
  };
}

describe('a classification run on the tiny BERT (CPU backend, classifier head only)', () => {
  it('learns: held-out accuracy goes from chance to well above it, with per-epoch rows and a confusion matrix', async () => {
    const run = await FineTuneRun.start(data, settings, testEnvironment());
    const epochs = await run.loop.run();
    expect(run.loop.status).toBe('done');
    expect(epochs.map((row) => row.epoch)).toEqual([1, 2]);
    expect(run.loop.history.stepLosses).toHaveLength(run.loop.totalSteps);
    const last = epochs.at(-1)!;
    console.log(`[finetune] accuracy before ${run.loop.history.initial?.accuracy?.toFixed(2)}, after ${last.accuracy?.toFixed(2)}; loss ${epochs[0].trainingLoss.toFixed(3)} -> ${last.trainingLoss.toFixed(3)}`);
    expect(last.accuracy).toBeGreaterThan(0.8);
    expect(last.confusion!.flat().reduce((a, b) => a + b, 0)).toBe(12);
    const sample = examples.slice(0, 40);
    const predictions = await Promise.all(sample.map((example) => run.classify(example.text)));
    const agree = predictions.filter((prediction, i) => prediction.label === labels[sample[i].label]).length;
    expect(agree / sample.length).toBeGreaterThan(0.8);
    expect(predictions[0].probabilities.reduce((sum, p) => sum + p.probability, 0)).toBeCloseTo(1);
  });

  it('resumes after a crash with exactly the losses of an uninterrupted run', async () => {
    const uninterrupted = await FineTuneRun.start(data, settings, testEnvironment());
    await uninterrupted.loop.run();
    const expected = uninterrupted.loop.history.stepLosses;

    const env: RunEnvironment = testEnvironment();
    const crashed = await FineTuneRun.start(data, settings, env);
    sabotage(crashed, 11, 'crash'); // dies during step 11: the last checkpoint is step 8
    await expect(crashed.loop.run()).rejects.toThrow('the tab closed');
    expect((await env.store.runs())[0]).toMatchObject({ status: 'failed', checkpointStep: 8 });

    const resumed = await FineTuneRun.resume(crashed.record.runId, env);
    expect(resumed.loop.history.globalStep).toBe(8);
    await resumed.loop.run();
    expect(resumed.loop.history.stepLosses).toEqual(expected);
    expect(resumed.loop.history.epochs).toEqual(uninterrupted.loop.history.epochs);
  });

  it('pauses (with a checkpoint), resumes and stops between steps', async () => {
    const env = testEnvironment();
    const run = await FineTuneRun.start(data, settings, env);
    const statuses: string[] = [];
    run.loop.on('status', (status) => statuses.push(status));
    run.loop.on('progress', ({ step }) => step === 3 && run.loop.pause());
    const finished = run.loop.run();
    await new Promise((resolve) => run.loop.on('status', (status) => status === 'paused' && resolve(undefined)));
    expect((await env.store.loadCheckpoint(run.record.runId))?.loop.globalStep).toBe(3);
    run.loop.resume();
    run.loop.on('progress', ({ step }) => step === 6 && run.loop.stop());
    await finished;
    expect(statuses).toEqual(['running', 'paused', 'running', 'stopped']);
    expect((await env.store.loadCheckpoint(run.record.runId))?.loop.globalStep).toBe(6);
  });

  it('stops on a NaN loss with a message and keeps the last good checkpoint', async () => {
    const env = testEnvironment();
    const run = await FineTuneRun.start(data, settings, env);
    sabotage(run, 6, 'nan');
    await run.loop.run();
    const [record] = await env.store.runs();
    expect(record.status).toBe('failed');
    expect(record.message).toMatch(/loss became NaN at step 6.*last good checkpoint \(step 4\) is kept/);
    expect((await env.store.loadCheckpoint(run.record.runId))?.loop.globalStep).toBe(4);
  });

  it('exports a folder with exactly BertForSequenceClassification\'s tensors, which loads back with the trained head', async () => {
    const run = await FineTuneRun.start(data, { ...settings, hyperparameters: { ...settings.hyperparameters, epochs: 1 } }, testEnvironment());
    await run.loop.run();
    const files = await run.exportFiles();
    expect(files.map((file) => file.name)).toEqual(['config.json', 'model.safetensors', 'tokenizer.json']);
    const config = JSON.parse(await files[0].text());
    expect(config).toMatchObject({ architectures: ['BertForSequenceClassification'], id2label: { 0: '0', 1: '1' }, label2id: { 0: 0, 1: 1 } });
    const safetensors = new Uint8Array(await files[1].arrayBuffer());
    const file = SafetensorsFile.parse(safetensors);
    const shapes = Object.fromEntries(file.names.map((name) => [name, [...file.entry(name).shape]]));
    expect(shapes).toEqual(bertForSequenceClassificationShapes({ V: 1000, P: 64, C: 32, F: 64, L: 2, K: 2 }));
    const loaded = buildModel(createCpuBackend(), { config, weights: file });
    expect(loaded.family.id).toBe('bert');
    expect(loaded.model.heads.classifier).toBe(true);
    const { classLogits } = await loaded.model.forward({ ids: [101, 300, 102] }, { classify: true });
    expect(classLogits).toHaveLength(2);
  });
});

/** The state_dict keys and shapes of transformers' BertForSequenceClassification (persistent tensors only). */
function bertForSequenceClassificationShapes({ V, P, C, F, L, K }: Record<string, number>): Record<string, number[]> {
  const shapes: Record<string, number[]> = {
    'bert.embeddings.word_embeddings.weight': [V, C],
    'bert.embeddings.position_embeddings.weight': [P, C],
    'bert.embeddings.token_type_embeddings.weight': [2, C],
    'bert.embeddings.LayerNorm.weight': [C],
    'bert.embeddings.LayerNorm.bias': [C],
    'bert.pooler.dense.weight': [C, C],
    'bert.pooler.dense.bias': [C],
    'classifier.weight': [K, C],
    'classifier.bias': [K],
  };
  for (let l = 0; l < L; l++) {
    const p = `bert.encoder.layer.${l}.`;
    for (const m of ['query', 'key', 'value']) Object.assign(shapes, { [`${p}attention.self.${m}.weight`]: [C, C], [`${p}attention.self.${m}.bias`]: [C] });
    Object.assign(shapes, {
      [`${p}attention.output.dense.weight`]: [C, C], [`${p}attention.output.dense.bias`]: [C],
      [`${p}attention.output.LayerNorm.weight`]: [C], [`${p}attention.output.LayerNorm.bias`]: [C],
      [`${p}intermediate.dense.weight`]: [F, C], [`${p}intermediate.dense.bias`]: [F],
      [`${p}output.dense.weight`]: [C, F], [`${p}output.dense.bias`]: [C],
      [`${p}output.LayerNorm.weight`]: [C], [`${p}output.LayerNorm.bias`]: [C],
    });
  }
  return shapes;
}
