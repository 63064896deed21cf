// The families' Hugging Face name tables against checkpoints written out independently (src/models/synthetic.ts), in
// every naming variant real checkpoints use: reading, the problems reported, and export round trips.
import { describe, expect, it } from 'vitest';
import { WeightsError } from '../weights/errors';
import type { HostTensor } from '../weights/host-tensor';
import { SafetensorsFile } from '../weights/safetensors';
import { writeSafetensors } from '../weights/safetensors-writer';
import { createCpuBackend } from './cpuBackend';
import { familyOf } from './registry';
import type { ModelConfig } from './family';
import { syntheticBertConfig, syntheticBertTensors, syntheticGpt2Config, syntheticGpt2Tensors, type SyntheticBertOptions } from './synthetic';

const fileOf = (tensors: HostTensor[]) => SafetensorsFile.parse(writeSafetensors(tensors), 'model.safetensors');
const build = (config: ModelConfig, tensors: HostTensor[]) => familyOf(config).createModel(createCpuBackend(), config, fileOf(tensors));
const problem = (run: () => unknown): string => {
  try {
    run();
    return '';
  } catch (error) {
    expect(error).toBeInstanceOf(WeightsError);
    return (error as Error).message;
  }
};
/** The exported tensors, by name. */
const exported = async (config: ModelConfig, tensors: HostTensor[]) => new Map((await build(config, tensors).readTensors()).map((t) => [t.name, t]));

describe('BERT names', () => {
  const config = syntheticBertConfig(); // V=13, P=8, C=4, L=2, F=6, 2 labels

  it.each<[string, SyntheticBertOptions]>([
    ['bert. prefix, weight/bias', {}],
    ['no prefix, weight/bias', { prefix: false }],
    ['bert. prefix, gamma/beta', { gammaBeta: true }],
    ['no prefix, gamma/beta', { prefix: false, gammaBeta: true }],
  ])('reads a checkpoint with %s names and exports the canonical ones', async (_, options) => {
    const tensors = syntheticBertTensors(config, options);
    const model = build(config, tensors);
    expect(model.heads).toEqual({ lm: true, classifier: false, pooler: true });
    const out = await exported(config, tensors);
    expect(out.size).toBe(tensors.length);
    const prefix = options.prefix === false ? '' : 'bert.';
    const ln = options.gammaBeta ? 'gamma' : 'weight';
    const stored = new Map(tensors.map((t) => [t.name, t]));
    expect(out.get('bert.encoder.layer.1.output.LayerNorm.weight')!.data).toEqual(stored.get(`${prefix}encoder.layer.1.output.LayerNorm.${ln}`)!.data);
    expect(out.get('bert.encoder.layer.0.attention.self.key.bias')!.data).toEqual(stored.get(`${prefix}encoder.layer.0.attention.self.key.bias`)!.data);
    expect(out.get('cls.predictions.transform.LayerNorm.weight')!.data).toEqual(stored.get(`cls.predictions.transform.LayerNorm.${ln}`)!.data);
    expect([...out.keys()].some((name) => /gamma|beta/.test(name))).toBe(false);
  });

  it('keeps an untied decoder and a classifier, and leaves out absent pooler and head', async () => {
    const untied = await exported(config, syntheticBertTensors(config, { untiedDecoder: true }));
    expect(untied.get('cls.predictions.decoder.weight')!.shape).toEqual([13, 4]);
    const classifierOnly = syntheticBertTensors(config, { classifier: true, mlmHead: false, pooler: false });
    expect(build(config, classifierOnly).heads).toEqual({ lm: false, classifier: true, pooler: false });
    const out = await exported(config, classifierOnly);
    expect(out.get('classifier.weight')!.shape).toEqual([2, 4]);
    expect([...out.keys()].filter((name) => /pooler|cls\./.test(name))).toEqual([]);
  });

  it('accepts cls.predictions.decoder.bias for the MLM bias', async () => {
    const tensors = syntheticBertTensors(config).map((t) => (t.name === 'cls.predictions.bias' ? { ...t, name: 'cls.predictions.decoder.bias' } : t));
    expect((await exported(config, tensors)).get('cls.predictions.bias')!.shape).toEqual([13]);
  });

  it('names missing and misshapen tensors, including alternatives', () => {
    const tensors = syntheticBertTensors(config, { classifier: true })
      .filter((t) => t.name !== 'bert.encoder.layer.0.attention.output.LayerNorm.weight')
      .filter((t) => t.name !== 'cls.predictions.transform.dense.bias');
    const message = problem(() => build(syntheticBertConfig({ id2label: { 0: 'a', 1: 'b', 2: 'c' } }), tensors));
    expect(message).toMatch(/^model\.safetensors does not match a BERT with V=13, P=8, C=4, L=2, F=6, labels=3: /);
    expect(message).toContain('missing "bert.encoder.layer.0.attention.output.LayerNorm.weight" (or "bert.encoder.layer.0.attention.output.LayerNorm.gamma"), expected [4]');
    expect(message).toContain('missing "cls.predictions.transform.dense.bias", expected [4]');
    expect(message).toContain('"classifier.weight" has shape [2, 4], expected [3, 4]');
  });

  it('round-trips an export through the loader', async () => {
    const original = syntheticBertTensors(config, { prefix: false, gammaBeta: true, untiedDecoder: true, classifier: true });
    const once = [...(await exported(config, original)).values()];
    expect(once).toHaveLength(original.length);
    expect([...(await exported(config, once)).values()]).toEqual(once);
  });
});

describe('GPT-2 names', () => {
  const config = syntheticGpt2Config(); // V=11, P=8, C=4, L=2, F=16

  it.each([
    ['with the transformer. prefix', true],
    ['without a prefix', false],
  ])('reads a checkpoint %s, keeping Conv1D weights as (in, out)', async (_, prefix) => {
    const tensors = syntheticGpt2Tensors(config, { prefix });
    const out = await exported(config, tensors);
    expect(out.size).toBe(tensors.length);
    const stored = new Map(tensors.map((t) => [t.name, t]));
    const at = prefix ? 'transformer.' : '';
    expect(out.get('transformer.h.1.attn.c_attn.weight')).toMatchObject({ shape: [4, 12], data: stored.get(`${at}h.1.attn.c_attn.weight`)!.data });
    expect(out.get('transformer.h.1.mlp.c_proj.weight')!.shape).toEqual([16, 4]);
    expect(out.has('lm_head.weight')).toBe(false);
  });

  it('keeps an untied lm_head.weight', async () => {
    expect((await exported(config, syntheticGpt2Tensors(config, { untiedHead: true }))).get('lm_head.weight')!.shape).toEqual([11, 4]);
  });

  it('ignores the attention-mask buffers older checkpoints carry', () => {
    const tensors = syntheticGpt2Tensors(config, { prefix: false });
    tensors.push({ name: 'h.0.attn.bias', shape: [1, 1, 8, 8], data: new Float32Array(64) });
    tensors.push({ name: 'h.0.attn.masked_bias', shape: [1], data: new Float32Array(1) });
    expect(() => build(config, tensors)).not.toThrow();
  });

  it('names every missing or misshapen tensor with expected and actual shapes', () => {
    const tensors = syntheticGpt2Tensors(config)
      .filter((t) => t.name !== 'transformer.h.1.ln_2.bias')
      .map((t) => (t.name === 'transformer.wpe.weight' ? { ...t, shape: [4, 8] } : t));
    const message = problem(() => build(config, tensors));
    expect(message).toMatch(/^model\.safetensors does not match a GPT-2 with V=11, P=8, C=4, L=2, H=2, F=16: /);
    expect(message).toContain('missing "transformer.h.1.ln_2.bias", expected [4]');
    expect(message).toContain('"transformer.wpe.weight" has shape [4, 8], expected [8, 4]');
  });

  it('reports a config that does not fit the checkpoint', () => {
    expect(problem(() => build(syntheticGpt2Config({ n_embd: 8 }), syntheticGpt2Tensors(config)))).toMatch(/"transformer\.wte\.weight" has shape \[11, 4\], expected \[11, 8\]/);
  });

  it('stops looking after the first missing tensors of an impossible config, at once', () => {
    const huge = syntheticGpt2Config({ n_layer: 256 });
    const started = performance.now();
    expect(problem(() => build(huge, syntheticGpt2Tensors(config)))).toMatch(/and more$/);
    expect(performance.now() - started).toBeLessThan(500);
  });
});
