// Head-only fine-tuning on the encoder families whose classification head has its own dense layer (DistilBERT's
// pre_classifier + ReLU, RoBERTa's classifier.dense + tanh): the host head on the frozen encoder's first-token state
// gives the torch reference's logits before any step, learns, and exports under the checkpoint's own names so the
// exported model classifies as the trained head does.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classificationBatch } from '../../finetune/batches';
import { HeadStepper } from '../../finetune/headStepper';
import { hostSource } from '../../weights/host-source';
import { createCpuBackend } from '../cpuBackend';
import { FIXTURES, maxAbsDiff, readGolden } from '../testing/golden';
import { loadFixture } from '../testing/fixtures';

describe.each([
  { name: 'tiny-distilbert-cls', activation: 'relu', dense: 'pre_classifier', out: 'classifier' },
  { name: 'tiny-roberta-cls', activation: 'tanh', dense: 'classifier.dense', out: 'classifier.out_proj' },
])('$name: head-only training', ({ name, activation, dense, out }) => {
  it('starts from the checkpoint head (torch logits), learns, and exports it under Hugging Face names', async () => {
    const { family, config, source } = loadFixture(name);
    const golden = readGolden(join(FIXTURES, 'models', name, 'golden.json'));
    const single = golden.cases.find((c) => c.name === 'single')!;
    const K = config.labels.numLabels;
    const head = family.classifierHead!(config, source, K, 1);
    expect(head.activation).toBe(activation);
    expect([head.dense.weight.name, head.out.weight.name]).toEqual([`${dense}.weight`, `${out}.weight`]);
    expect(head.dense.weight.data).toEqual(source.hostTensor(`${dense}.weight`).data);

    const encoder = family.createModel(createCpuBackend(), config, source);
    const stepper = new HeadStepper(encoder, head, (trained) => family.withClassifierHead!(config, source, trained), 0.01);
    const rows = [single.input_ids, single.input_ids.slice(0, 6), [single.input_ids[0], ...single.input_ids.slice(4)]]
      .map((ids, i) => ({ ids, typeIds: ids.map(() => 0), label: i % K }));
    const batch = classificationBatch(rows, config.special.pad ?? 0, 1);

    const before = await stepper.evaluate(batch);
    const error = maxAbsDiff(before.logits.subarray(0, K), single.logits as unknown as number[]);
    console.log(`${name} head-only logits before training vs torch: max abs error ${error.toExponential(2)}`);
    expect(error).toBeLessThan(1e-4);

    const losses: number[] = [];
    for (let step = 0; step < 30; step++) losses.push((await stepper.step(batch, 1e-2)).loss);
    console.log(`${name} head-only losses ${losses[0].toFixed(4)} -> ${losses.at(-1)!.toFixed(4)}`);
    expect(losses.at(-1)!).toBeLessThan(losses[0] / 2);

    const exported = await stepper.exportTensors();
    expect(exported.map((tensor) => tensor.name).sort()).toEqual([...source.names].sort());
    const trained = new Map(exported.map((tensor) => [tensor.name, tensor]));
    expect(trained.get(`${dense}.weight`)!.data).not.toEqual(source.hostTensor(`${dense}.weight`).data);
    expect(trained.get(`${family.id}.embeddings.word_embeddings.weight`)!.data).toEqual(source.hostTensor(`${family.id}.embeddings.word_embeddings.weight`).data);

    const reloaded = family.createModel(createCpuBackend(), config, hostSource(exported));
    const after = await stepper.evaluate(batch);
    for (const [b, row] of rows.entries()) {
      const { classLogits } = await reloaded.forward({ ids: row.ids }, { classify: true });
      expect(maxAbsDiff(classLogits!, after.logits.subarray(b * K, (b + 1) * K))).toBeLessThan(1e-5);
    }
    stepper.dispose();
    reloaded.dispose();
  });
});

describe.each([
  { name: 'tiny-distilbert', dense: 'pre_classifier', out: 'classifier', mlm: 'vocab_' },
  { name: 'tiny-roberta', dense: 'classifier.dense', out: 'classifier.out_proj', mlm: 'lm_head.' },
])('$name (masked LM, no classifier): a fresh head', ({ name, dense, out, mlm }) => {
  it('starts as N(0, initializer_range) with zero biases and exports without the masked-LM head', () => {
    const { family, config, source } = loadFixture(name);
    const head = family.classifierHead!(config, source, 3, 5);
    const { C } = config.dims;
    expect(head.dense.weight).toMatchObject({ name: `${dense}.weight`, shape: [C, C] });
    expect(head.out.weight).toMatchObject({ name: `${out}.weight`, shape: [3, C] });
    expect([...head.dense.bias.data, ...head.out.bias.data].every((value) => value === 0)).toBe(true);
    const std = Math.sqrt(head.dense.weight.data.reduce((sum, value) => sum + value * value, 0) / head.dense.weight.data.length);
    expect(std).toBeGreaterThan(0.015);
    expect(std).toBeLessThan(0.025);
    const names = family.withClassifierHead!(config, source, head).map((tensor) => tensor.name);
    expect(names).toEqual(expect.arrayContaining([`${dense}.weight`, `${dense}.bias`, `${out}.weight`, `${out}.bias`]));
    expect(names.filter((tensorName) => tensorName.startsWith(mlm))).toEqual([]);
  });
});
