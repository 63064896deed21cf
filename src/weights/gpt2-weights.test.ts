import { describe, expect, it } from 'vitest';
import { WeightsError } from './errors';
import { gpt2WeightsFromSafetensors, gpt2WeightsToTensors } from './gpt2-weights';
import type { HostTensor } from './host-tensor';
import { SafetensorsFile } from './safetensors';
import { writeSafetensors } from './safetensors-writer';
import { syntheticGpt2Config, syntheticGpt2Tensors } from './synthetic-checkpoints';

const config = syntheticGpt2Config(); // V=11, P=8, C=4, L=2, F=16

function fileOf(tensors: HostTensor[]): SafetensorsFile {
  return SafetensorsFile.parse(writeSafetensors(tensors, { format: 'pt' }), 'model.safetensors');
}

function byName(tensors: HostTensor[]): Map<string, HostTensor> {
  return new Map(tensors.map((tensor) => [tensor.name, tensor]));
}

describe('gpt2WeightsFromSafetensors', () => {
  it.each([
    ['with the transformer. prefix', true, 'transformer.'],
    ['without a prefix', false, ''],
  ])('maps a checkpoint %s, keeping Conv1D weights as (in, out)', (_, prefix, namePrefix) => {
    const tensors = syntheticGpt2Tensors(config, { prefix });
    const stored = byName(tensors);
    const weights = gpt2WeightsFromSafetensors(fileOf(tensors), config);
    expect(weights.wte.shape).toEqual([11, 4]);
    expect(weights.wpe.shape).toEqual([8, 4]);
    expect(weights.blocks).toHaveLength(2);
    const block = weights.blocks[1];
    expect(block.attnWeight).toMatchObject({ name: `${namePrefix}h.1.attn.c_attn.weight`, shape: [4, 12] });
    expect(block.fcWeight.shape).toEqual([4, 16]);
    expect(block.mlpProjWeight.shape).toEqual([16, 4]);
    expect([...block.attnWeight.data]).toEqual([...stored.get(`${namePrefix}h.1.attn.c_attn.weight`)!.data]);
    expect([...weights.lnfBias.data]).toEqual([...stored.get(`${namePrefix}ln_f.bias`)!.data]);
    expect(weights.lmHead).toBeUndefined();
  });

  it('keeps an untied lm_head.weight', () => {
    const weights = gpt2WeightsFromSafetensors(fileOf(syntheticGpt2Tensors(config, { untiedHead: true })), config);
    expect(weights.lmHead).toMatchObject({ name: 'lm_head.weight', shape: [11, 4] });
  });

  it('ignores the attention-mask buffers older checkpoints carry', () => {
    const tensors = syntheticGpt2Tensors(config, { prefix: false });
    tensors.push({ name: 'h.0.attn.bias', shape: [1, 1, 8, 8], data: new Float32Array(64) });
    tensors.push({ name: 'h.0.attn.masked_bias', shape: [], data: new Float32Array(1) });
    expect(() => gpt2WeightsFromSafetensors(fileOf(tensors), config)).not.toThrow();
  });

  it('names every missing or misshapen tensor with expected and actual shapes', () => {
    const tensors = syntheticGpt2Tensors(config)
      .filter((tensor) => tensor.name !== 'transformer.h.1.ln_2.bias')
      .map((tensor) =>
        tensor.name === 'transformer.wpe.weight' ? { ...tensor, shape: [4, 8] } : tensor,
      );
    let error: unknown;
    try {
      gpt2WeightsFromSafetensors(fileOf(tensors), config);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(WeightsError);
    const message = (error as WeightsError).message;
    expect(message).toMatch(/^model\.safetensors does not match a GPT-2 with V=11, P=8, C=4, L=2, F=16: /);
    expect(message).toContain('missing "transformer.h.1.ln_2.bias", expected [4]');
    expect(message).toContain('"transformer.wpe.weight" has shape [4, 8], expected [8, 4]');
  });

  it('reports a config that does not fit the checkpoint', () => {
    const wider = syntheticGpt2Config({ n_embd: 8 });
    expect(() => gpt2WeightsFromSafetensors(fileOf(syntheticGpt2Tensors(config)), wider)).toThrow(
      /"transformer\.wte\.weight" has shape \[11, 4\], expected \[11, 8\]/,
    );
  });
});

describe('gpt2WeightsToTensors', () => {
  it.each([
    ['prefixed, tied', { prefix: true }],
    ['unprefixed, untied', { prefix: false, untiedHead: true }],
  ])('round-trips a %s checkpoint through HF names', (_, options) => {
    const original = syntheticGpt2Tensors(config, options);
    const weights = gpt2WeightsFromSafetensors(fileOf(original), config);
    const exported = gpt2WeightsToTensors(weights);
    expect(exported).toHaveLength(original.length);
    expect(exported.every((t) => t.name.startsWith('transformer.') || t.name === 'lm_head.weight')).toBe(true);
    const again = gpt2WeightsFromSafetensors(fileOf(exported), config);
    expect(gpt2WeightsToTensors(again)).toEqual(exported);
  });
});
