import { describe, expect, it } from 'vitest';
import { testGpu } from '../kernels/testing';
import { buildModel } from '../models/checkpoint';
import { createCpuBackend } from '../models/cpuBackend';
import { familyOf, parseModelConfig } from '../models/registry';
import { loadTokenizer } from '../tokenizers/tokenizer';
import type { Gpu } from '../gpu';
import type { BaseModelFiles } from './runStore';
import type { Hyperparameters } from './hyperparameters';
import { classificationBatch, causalLmBatch, encodeExample, textBlocks } from './batches';
import { defaultHyperparameters } from './hyperparameters';
import { GpuStepper } from './gpuStepper';
import { fixtureModel } from './testing/fixtures';
import { writeSafetensors } from '../weights/safetensors-writer';
import { exportFolder } from './export';
import { SafetensorsFile } from '../weights/safetensors';

/** With PLAYGROUND_EXPORT_DIR set, exported folders are written there for scripts/reference/check_export.py. */
async function keepExport(name: string, files: File[]) {
  const dir = process.env.PLAYGROUND_EXPORT_DIR;
  if (!dir) return;
  const { mkdirSync, writeFileSync } = await import('node:fs');
  mkdirSync(`${dir}/${name}`, { recursive: true });
  for (const file of files) writeFileSync(`${dir}/${name}/${file.name}`, new Uint8Array(await file.arrayBuffer()));
}

function stepperFor(gpu: Gpu, base: BaseModelFiles, numLabels: number, h: Hyperparameters) {
  const config = parseModelConfig(base.config);
  return new GpuStepper(gpu, familyOf(config), config, SafetensorsFile.parse(new Uint8Array(base.safetensors)), numLabels, h);
}

const hyper = { ...defaultHyperparameters('classification', 'full'), batchSize: 12, maxLength: 12, learningRate: 5e-3, seed: 3 };
const SENTENCES = ['the food was good.', 'this was bad.', 'the place was great.', 'not good at all.', 'the best food.', 'bad bad place.'];

function classificationBatchOf(rows: number) {
  const base = fixtureModel('tiny-bert-cls');
  const tokenizer = loadTokenizer(fixtureModel('tiny-bert').tokenizer);
  const examples = Array.from({ length: rows }, (_, i) => encodeExample(tokenizer, { text: SENTENCES[i % SENTENCES.length], label: i % 3 }, hyper.maxLength));
  return { base, batch: classificationBatch(examples, 0, 1) };
}

describe('GpuStepper: every parameter trained on the GPU behind the fine-tuning loop', () => {
  it('evaluates BERT classification exactly as the inference model computes its logits, and as the first step\'s loss', async () => {
    const gpu = await testGpu();
    const { base, batch } = classificationBatchOf(12); // 12 rows: micro-batches of 8 and 4
    const stepper = stepperFor(gpu, base, 3, hyper);
    const evaluation = await stepper.evaluate(batch);
    // Independent: the inference BERT on the CPU references with the same weights, one row at a time.
    const loaded = buildModel(createCpuBackend(), { config: base.config, weights: SafetensorsFile.parse(writeSafetensors(await stepper.exportTensors())) });
    let maxDiff = 0;
    for (let b = 0; b < batch.B; b++) {
      const T = batch.attentionMask.subarray(b * batch.T, (b + 1) * batch.T).reduce((sum, v) => sum + v, 0);
      const ids = Array.from(batch.ids.subarray(b * batch.T, b * batch.T + T));
      const { classLogits: expected } = await loaded.model.forward({ ids, tokenTypeIds: Array.from(batch.typeIds.subarray(b * batch.T, b * batch.T + T)) }, { classify: true });
      expected!.forEach((value, k) => (maxDiff = Math.max(maxDiff, Math.abs(value - evaluation.logits[b * 3 + k]))));
    }
    console.log(`GPU training graph vs CPU inference logits: max abs diff ${maxDiff.toExponential(2)}`);
    expect(maxDiff).toBeLessThan(1e-4);
    const first = await stepper.step(batch, hyper.learningRate);
    expect(Math.abs(first.loss - evaluation.loss)).toBeLessThan(1e-5);
    const labels = ['negative', 'neutral', 'positive'];
    const files = exportFolder({ task: 'classification', architecture: 'BertForSequenceClassification', baseConfig: base.config, tensors: await stepper.exportTensors(), tokenizer: base.tokenizer, labels, name: 'tiny-bert-cls-finetuned' });
    const reloaded = buildModel(createCpuBackend(), { config: JSON.parse(await files[0].text()), weights: SafetensorsFile.parse(new Uint8Array(await files[1].arrayBuffer())) });
    expect(reloaded.family.id).toBe('bert');
    expect(reloaded.model.heads.classifier).toBe(true);
    await keepExport('bert-classification', files);
    stepper.dispose();
  });

  it('resumes from saved state with the same losses, bit for bit', async () => {
    const gpu = await testGpu();
    const { base, batch } = classificationBatchOf(12);
    const straight = stepperFor(gpu, base, 3, hyper);
    const straightLosses: number[] = [];
    for (let step = 0; step < 4; step++) straightLosses.push((await straight.step(batch, hyper.learningRate)).loss);

    const first = stepperFor(gpu, base, 3, hyper);
    for (let step = 0; step < 2; step++) await first.step(batch, hyper.learningRate);
    const saved = await first.saveState();
    first.dispose();
    const resumed = stepperFor(gpu, base, 3, hyper);
    await resumed.loadState(saved);
    const resumedLosses = [(await resumed.step(batch, hyper.learningRate)).loss, (await resumed.step(batch, hyper.learningRate)).loss];
    console.log(`losses ${straightLosses.map((l) => l.toFixed(6)).join(' ')}; resumed ${resumedLosses.map((l) => l.toFixed(6)).join(' ')}`);
    expect(resumedLosses).toEqual(straightLosses.slice(2));
    expect(straightLosses[3]).toBeLessThan(straightLosses[0]);
    straight.dispose();
    resumed.dispose();
  });

  it('cuts each micro-batch to its longest row: extra padding changes neither logits nor the step', async () => {
    const gpu = await testGpu();
    const { base, batch } = classificationBatchOf(12);
    const extra = 7;
    const T = batch.T + extra;
    const widen = <A extends Int32Array | Uint8Array>(values: A): A => {
      const out = new (values.constructor as new (length: number) => A)(batch.B * T);
      for (let b = 0; b < batch.B; b++) out.set(values.subarray(b * batch.T, (b + 1) * batch.T), b * T);
      return out;
    };
    const padded = { ...batch, T, ids: widen(batch.ids), typeIds: widen(batch.typeIds), attentionMask: widen(batch.attentionMask) };
    const [tight, loose] = [stepperFor(gpu, base, 3, hyper), stepperFor(gpu, base, 3, hyper)];
    expect((await loose.evaluate(padded)).logits).toEqual((await tight.evaluate(batch)).logits);
    expect((await loose.step(padded, hyper.learningRate)).loss).toBe((await tight.step(batch, hyper.learningRate)).loss);
    expect((await loose.step(padded, hyper.learningRate)).loss).toBe((await tight.step(batch, hyper.learningRate)).loss);
    tight.dispose();
    loose.dispose();
  });

  it('trains GPT-2 as a causal language model: held-out loss falls on the text it learns', async () => {
    const gpu = await testGpu();
    const base = fixtureModel('tiny-gpt2');
    const tokenizer = loadTokenizer(base.tokenizer);
    const text = 'the cat sat on the mat. the dog sat on the log. '.repeat(6);
    const blocks = textBlocks(tokenizer.encode(text).ids, 16);
    const h = { ...defaultHyperparameters('causal-lm', 'full'), batchSize: 4, maxLength: 16, learningRate: 3e-3 };
    const stepper = stepperFor(gpu, base, 0, h);
    const train = causalLmBatch(blocks.slice(0, 4), 0, 1);
    const heldOut = causalLmBatch(blocks.slice(4, 6), 0, 1);
    const before = (await stepper.evaluate(heldOut)).loss;
    for (let step = 0; step < 12; step++) await stepper.step(train, h.learningRate);
    const after = (await stepper.evaluate(heldOut)).loss;
    console.log(`held-out perplexity ${Math.exp(before).toFixed(1)} -> ${Math.exp(after).toFixed(1)}`);
    expect(after).toBeLessThan(before - 0.5);
    await keepExport('gpt2-causal-lm', exportFolder({ task: 'causal-lm', architecture: 'GPT2LMHeadModel', baseConfig: base.config, tensors: await stepper.exportTensors(), tokenizer: base.tokenizer, labels: [], name: 'tiny-gpt2-finetuned' }));
    stepper.dispose();
  });
});
