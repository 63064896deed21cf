import { describe, expect, it } from 'vitest';
import { buildModel } from '../models/checkpoint';
import { createCpuBackend } from '../models/cpuBackend';
import { loadTokenizer } from '../tokenizers/tokenizer';
import { gradientError, numericalGradient, random64, reportGradient } from '../kernels/gradcheck';
import { classificationBatch, encodeExample } from './batches';
import { HeadStepper, headLossAndGradients, type HeadParameters } from './headStepper';
import { fixtureModel } from './testing/fixtures';
import { SafetensorsFile } from '../weights/safetensors';

describe('head-only training (pooler and classifier on the frozen encoder)', () => {
  it('has the gradients of finite differences for the pooler and the classifier', () => {
    const [C, K] = [5, 3];
    const p: HeadParameters<Float64Array> = {
      poolerWeight: random64(C * C, 1), poolerBias: random64(C, 2), classifierWeight: random64(K * C, 3), classifierBias: random64(K, 4),
    };
    const rows = [0, 1, 2, 1].map((label, i) => ({ cls: random64(C, 10 + i, -2, 2), label }));
    const { grads } = headLossAndGradients(p, rows);
    for (const name of Object.keys(p) as (keyof typeof p)[]) {
      const numeric = numericalGradient(() => headLossAndGradients(p, rows).loss, p[name]);
      expect(reportGradient('head', name, gradientError(grads[name], numeric))).toBeLessThan(1e-8);
    }
  });

  it('trains the pooler with the classifier, saves both with their moments and exports them', async () => {
    const base = fixtureModel('tiny-bert');
    const tokenizer = loadTokenizer(base.tokenizer);
    const source = SafetensorsFile.parse(new Uint8Array(base.safetensors));
    const loaded = buildModel(createCpuBackend(), { config: base.config, weights: source });
    const { family, config } = loaded;
    const head = family.classifierHead!(config, source, 2, 1);
    const pooler = { weight: { ...head.dense.weight, data: head.dense.weight.data.slice() } };
    const stepper = new HeadStepper(loaded.model, head, (trained) => family.withClassifierHead!(config, source, trained), 0.01);
    const texts = ['the food was good', 'this was bad', 'great place', 'not good at all'];
    const batch = classificationBatch(texts.map((text, i) => encodeExample(tokenizer, { text, label: i % 2 === 0 ? 1 : 0 }, 16)), 0, 1);
    const losses: number[] = [];
    for (let step = 0; step < 20; step++) losses.push((await stepper.step(batch, 1e-2)).loss);
    console.log(`head losses ${losses[0].toFixed(4)} -> ${losses.at(-1)!.toFixed(4)}`);
    expect(losses.at(-1)!).toBeLessThan(losses[0] / 2);

    const state = await stepper.saveState();
    expect(Object.keys(state.tensors).sort()).toEqual(
      ['bert.pooler.dense.weight', 'bert.pooler.dense.bias', 'classifier.weight', 'classifier.bias'].flatMap((name) => [name, `${name}.adam_m`, `${name}.adam_v`]).sort(),
    );
    const exported = new Map((await stepper.exportTensors()).map((tensor) => [tensor.name, tensor]));
    expect(exported.get('bert.pooler.dense.weight')!.data).toEqual(state.tensors['bert.pooler.dense.weight']);
    expect(exported.get('bert.pooler.dense.weight')!.data).not.toEqual(pooler.weight.data);
    expect(exported.get('bert.pooler.dense.bias')!.data.some((value) => value !== 0)).toBe(true);
    stepper.dispose();
  });
});
