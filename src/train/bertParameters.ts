// BERT's trainable parameters: the checkpoint's tensors with q, k and v fused into one (3C, C) matrix per layer,
// fresh pooler and classifier where the checkpoint has none (or a classifier of another size), and the way back to
// Hugging Face's layout for export.

import type { Gpu } from '../gpu';
import { concatRows } from '../models/bert/concatRows';
import type { BertLayerWeights, BertWeights } from '../weights/bert-weights';
import type { BertConfig } from '../weights/config';
import type { HostTensor } from '../weights/host-tensor';
import { mapStruct, seededNormal, trainableParameter, type TrainableParameter } from './parameters';

type FusedLayerKeys = Exclude<keyof BertLayerWeights, `${'query' | 'key' | 'value'}${'Weight' | 'Bias'}`>;
export interface LayerParameters extends Record<FusedLayerKeys, TrainableParameter> {
  qkvWeight: TrainableParameter; // (3C, C) query, key and value rows stacked
  qkvBias: TrainableParameter; // (3C)
}

export interface BertParameters {
  wordEmbeddings: TrainableParameter; // (V, C)
  positionEmbeddings: TrainableParameter; // (P, C)
  tokenTypeEmbeddings: TrainableParameter; // (TV, C)
  embeddingsLnWeight: TrainableParameter; embeddingsLnBias: TrainableParameter; // (C)
  layers: LayerParameters[]; // (L)
  poolerWeight: TrainableParameter; poolerBias: TrainableParameter; // (C, C), (C)
  classifierWeight: TrainableParameter; classifierBias: TrainableParameter; // (numLabels, C), (numLabels)
}

/** Uploads the checkpoint; a missing pooler, or a classifier without numLabels rows, starts as N(0, 0.02) with zero bias. */
export function bertParameters(gpu: Gpu, config: BertConfig, weights: BertWeights, numLabels: number, seed: number): BertParameters {
  const C = config.hiddenSize;
  const upload = (host: HostTensor) => trainableParameter(gpu, host);
  const fresh = (name: string, shape: number[], salt: number): HostTensor => ({
    name, shape, data: seededNormal(shape[0] * shape[1], seed + salt, 0.02),
  });
  const zeros = (name: string, n: number): HostTensor => ({ name, shape: [n], data: new Float32Array(n) });
  const classifier = weights.classifier?.weight.shape[0] === numLabels ? weights.classifier : undefined;
  return {
    wordEmbeddings: upload(weights.wordEmbeddings),
    positionEmbeddings: upload(weights.positionEmbeddings),
    tokenTypeEmbeddings: upload(weights.tokenTypeEmbeddings),
    embeddingsLnWeight: upload(weights.embeddingsLnWeight),
    embeddingsLnBias: upload(weights.embeddingsLnBias),
    layers: weights.layers.map((layer, l) => uploadLayer(layer, l, upload)),
    poolerWeight: upload(weights.pooler?.weight ?? fresh('pooler.dense.weight', [C, C], 1)),
    poolerBias: upload(weights.pooler?.bias ?? zeros('pooler.dense.bias', C)),
    classifierWeight: upload(classifier?.weight ?? fresh('classifier.weight', [numLabels, C], 2)),
    classifierBias: upload(classifier?.bias ?? zeros('classifier.bias', numLabels)),
  };
}

/** Every parameter once, in checkpoint order. */
export function parameterList(p: BertParameters): TrainableParameter[] {
  return [
    p.wordEmbeddings, p.positionEmbeddings, p.tokenTypeEmbeddings, p.embeddingsLnWeight, p.embeddingsLnBias,
    ...p.layers.flatMap((layer) => Object.values(layer)),
    p.poolerWeight, p.poolerBias, p.classifierWeight, p.classifierBias,
  ];
}

/** BertWeights (for bertWeightsToTensors) from each parameter's host copy, q, k and v split again. */
export function bertWeightsOf(p: BertParameters, get: (parameter: TrainableParameter) => HostTensor): BertWeights {
  return {
    wordEmbeddings: get(p.wordEmbeddings),
    positionEmbeddings: get(p.positionEmbeddings),
    tokenTypeEmbeddings: get(p.tokenTypeEmbeddings),
    embeddingsLnWeight: get(p.embeddingsLnWeight),
    embeddingsLnBias: get(p.embeddingsLnBias),
    layers: p.layers.map((layer) => splitLayer(mapStruct<LayerParameters, TrainableParameter, HostTensor>(layer, get))),
    pooler: { weight: get(p.poolerWeight), bias: get(p.poolerBias) },
    classifier: { weight: get(p.classifierWeight), bias: get(p.classifierBias) },
  };
}

function uploadLayer(layer: BertLayerWeights, l: number, upload: (host: HostTensor) => TrainableParameter): LayerParameters {
  const prefix = `bert.encoder.layer.${l}.attention.self.qkv`;
  return {
    qkvWeight: upload(concatRows(`${prefix}.weight`, [layer.queryWeight, layer.keyWeight, layer.valueWeight])),
    qkvBias: upload(concatRows(`${prefix}.bias`, [layer.queryBias, layer.keyBias, layer.valueBias])),
    attnOutputWeight: upload(layer.attnOutputWeight), attnOutputBias: upload(layer.attnOutputBias),
    attnLnWeight: upload(layer.attnLnWeight), attnLnBias: upload(layer.attnLnBias),
    intermediateWeight: upload(layer.intermediateWeight), intermediateBias: upload(layer.intermediateBias),
    outputWeight: upload(layer.outputWeight), outputBias: upload(layer.outputBias),
    outputLnWeight: upload(layer.outputLnWeight), outputLnBias: upload(layer.outputLnBias),
  };
}

/** The fused (3C, C) / (3C) q | k | v tensors back into query, key and value. */
function splitLayer({ qkvWeight, qkvBias, ...rest }: Record<keyof LayerParameters, HostTensor>): BertLayerWeights {
  const third = (tensor: HostTensor, i: number): HostTensor => {
    const rows = tensor.shape[0] / 3;
    const size = tensor.data.length / 3;
    return { name: tensor.name, shape: [rows, ...tensor.shape.slice(1)], data: tensor.data.slice(i * size, (i + 1) * size) };
  };
  return {
    ...rest,
    queryWeight: third(qkvWeight, 0), keyWeight: third(qkvWeight, 1), valueWeight: third(qkvWeight, 2),
    queryBias: third(qkvBias, 0), keyBias: third(qkvBias, 1), valueBias: third(qkvBias, 2),
  };
}
