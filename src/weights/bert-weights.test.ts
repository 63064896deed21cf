import { describe, expect, it } from 'vitest';
import { bertWeightsFromSafetensors, bertWeightsToTensors } from './bert-weights';
import type { HostTensor } from './host-tensor';
import { SafetensorsFile } from './safetensors';
import { writeSafetensors } from './safetensors-writer';
import { syntheticBertConfig, syntheticBertTensors, type SyntheticBertOptions } from './synthetic-checkpoints';

const config = syntheticBertConfig(); // V=13, P=8, C=4, L=2, F=6, 2 labels

function fileOf(tensors: HostTensor[]): SafetensorsFile {
  return SafetensorsFile.parse(writeSafetensors(tensors), 'model.safetensors');
}

describe('bertWeightsFromSafetensors', () => {
  it.each<[string, SyntheticBertOptions, string, string]>([
    ['bert. prefix, weight/bias', {}, 'bert.', 'weight'],
    ['no prefix, weight/bias', { prefix: false }, '', 'weight'],
    ['bert. prefix, gamma/beta', { gammaBeta: true }, 'bert.', 'gamma'],
    ['no prefix, gamma/beta', { prefix: false, gammaBeta: true }, '', 'gamma'],
  ])('maps a checkpoint with %s names', (_, options, prefix, lnWeight) => {
    const tensors = syntheticBertTensors(config, options);
    const stored = new Map(tensors.map((tensor) => [tensor.name, tensor]));
    const weights = bertWeightsFromSafetensors(fileOf(tensors), config);
    expect(weights.wordEmbeddings.shape).toEqual([13, 4]);
    expect(weights.tokenTypeEmbeddings.shape).toEqual([2, 4]);
    expect(weights.layers).toHaveLength(2);
    const layer = weights.layers[1];
    expect(layer.intermediateWeight.shape).toEqual([6, 4]);
    expect(layer.outputWeight.shape).toEqual([4, 6]);
    const lnName = `${prefix}encoder.layer.1.output.LayerNorm.${lnWeight}`;
    expect(layer.outputLnWeight.name).toBe(lnName);
    expect([...layer.outputLnWeight.data]).toEqual([...stored.get(lnName)!.data]);
    expect(weights.embeddingsLnBias.name).toMatch(/embeddings\.LayerNorm\.(bias|beta)$/);
    expect(weights.pooler?.weight.shape).toEqual([4, 4]);
    expect(weights.mlmHead?.bias.shape).toEqual([13]);
    expect(weights.mlmHead?.transformLnWeight.name).toBe(`cls.predictions.transform.LayerNorm.${lnWeight}`);
    expect(weights.mlmHead?.decoderWeight).toBeUndefined();
    expect(weights.classifier).toBeUndefined();
  });

  it('keeps an untied decoder and a classifier, and leaves out absent pooler and head', () => {
    const withDecoder = bertWeightsFromSafetensors(fileOf(syntheticBertTensors(config, { untiedDecoder: true })), config);
    expect(withDecoder.mlmHead?.decoderWeight?.shape).toEqual([13, 4]);
    const classifierOnly = syntheticBertTensors(config, { classifier: true, mlmHead: false, pooler: false });
    const weights = bertWeightsFromSafetensors(fileOf(classifierOnly), config);
    expect(weights.classifier?.weight.shape).toEqual([2, 4]);
    expect(weights.pooler).toBeUndefined();
    expect(weights.mlmHead).toBeUndefined();
  });

  it('accepts cls.predictions.decoder.bias for the MLM bias', () => {
    const tensors = syntheticBertTensors(config).map((tensor) =>
      tensor.name === 'cls.predictions.bias' ? { ...tensor, name: 'cls.predictions.decoder.bias' } : tensor,
    );
    expect(bertWeightsFromSafetensors(fileOf(tensors), config).mlmHead?.bias.name).toBe('cls.predictions.decoder.bias');
  });

  it('names missing and misshapen tensors, including alternatives', () => {
    const tensors = syntheticBertTensors(config, { classifier: true })
      .filter((tensor) => tensor.name !== 'bert.encoder.layer.0.attention.output.LayerNorm.weight')
      .filter((tensor) => tensor.name !== 'cls.predictions.transform.dense.bias');
    const threeLabels = syntheticBertConfig({ id2label: { 0: 'a', 1: 'b', 2: 'c' } });
    const message = (() => {
      try {
        bertWeightsFromSafetensors(fileOf(tensors), threeLabels);
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toMatch(/^model\.safetensors does not match a BERT with V=13, P=8, C=4, L=2, F=6, labels=3: /);
    expect(message).toContain(
      'missing "bert.encoder.layer.0.attention.output.LayerNorm.weight" ' +
        '(or "bert.encoder.layer.0.attention.output.LayerNorm.gamma"), expected [4]',
    );
    expect(message).toContain('missing "cls.predictions.transform.dense.bias", expected [4]');
    expect(message).toContain('"classifier.weight" has shape [2, 4], expected [3, 4]');
  });
});

describe('bertWeightsToTensors', () => {
  it('exports canonical HF names and round-trips', () => {
    const original = syntheticBertTensors(config, {
      prefix: false,
      gammaBeta: true,
      untiedDecoder: true,
      classifier: true,
    });
    const exported = bertWeightsToTensors(bertWeightsFromSafetensors(fileOf(original), config));
    expect(exported).toHaveLength(original.length);
    const names = exported.map((tensor) => tensor.name);
    expect(names).toContain('bert.embeddings.LayerNorm.weight');
    expect(names).toContain('bert.encoder.layer.1.output.LayerNorm.bias');
    expect(names).toContain('bert.pooler.dense.weight');
    expect(names).toContain('cls.predictions.decoder.weight');
    expect(names).toContain('classifier.bias');
    expect(names.some((name) => /gamma|beta/.test(name))).toBe(false);
    const again = bertWeightsToTensors(bertWeightsFromSafetensors(fileOf(exported), config));
    expect(again).toEqual(exported);
  });
});
