// BERT parameters from a Hugging Face checkpoint, under the checkpoint's own names: with or without the `bert.`
// prefix, LayerNorm as weight/bias or gamma/beta. Linear weights stay as stored, (out, in): matmul layout `nk`.

import type { BertConfig } from './config';
import { CheckpointReader } from './checkpoint-reader';
import { renamed, type HostTensor } from './host-tensor';
import type { TensorSource } from './tensor-source';

export interface BertLayerWeights {
  queryWeight: HostTensor; // (C, C) encoder.layer.{i}.attention.self.query.weight
  queryBias: HostTensor; // (C)
  keyWeight: HostTensor; // (C, C) attention.self.key.weight
  keyBias: HostTensor; // (C)
  valueWeight: HostTensor; // (C, C) attention.self.value.weight
  valueBias: HostTensor; // (C)
  attnOutputWeight: HostTensor; // (C, C) attention.output.dense.weight
  attnOutputBias: HostTensor; // (C)
  attnLnWeight: HostTensor; // (C) attention.output.LayerNorm.weight
  attnLnBias: HostTensor; // (C)
  intermediateWeight: HostTensor; // (F, C) intermediate.dense.weight
  intermediateBias: HostTensor; // (F)
  outputWeight: HostTensor; // (C, F) output.dense.weight
  outputBias: HostTensor; // (C)
  outputLnWeight: HostTensor; // (C) output.LayerNorm.weight
  outputLnBias: HostTensor; // (C)
}

export interface BertPoolerWeights {
  weight: HostTensor; // (C, C) pooler.dense.weight
  bias: HostTensor; // (C)
}

export interface BertMlmHeadWeights {
  transformWeight: HostTensor; // (C, C) cls.predictions.transform.dense.weight
  transformBias: HostTensor; // (C)
  transformLnWeight: HostTensor; // (C) cls.predictions.transform.LayerNorm.weight
  transformLnBias: HostTensor; // (C)
  bias: HostTensor; // (V) cls.predictions.bias
  decoderWeight?: HostTensor; // (V, C) cls.predictions.decoder.weight, only when untied from word embeddings
}

export interface BertClassifierWeights {
  weight: HostTensor; // (numLabels, C) classifier.weight
  bias: HostTensor; // (numLabels)
}

export interface BertWeights {
  wordEmbeddings: HostTensor; // (V, C)
  positionEmbeddings: HostTensor; // (P, C), P = max_position_embeddings
  tokenTypeEmbeddings: HostTensor; // (TV, C), TV = type_vocab_size
  embeddingsLnWeight: HostTensor; // (C)
  embeddingsLnBias: HostTensor; // (C)
  layers: BertLayerWeights[]; // (L)
  pooler?: BertPoolerWeights;
  mlmHead?: BertMlmHeadWeights;
  classifier?: BertClassifierWeights;
}

/** Canonical name first, then the aliases older checkpoints use. */
const layerNormWeight = (path: string) => [`${path}.weight`, `${path}.gamma`];
const layerNormBias = (path: string) => [`${path}.bias`, `${path}.beta`];

const LAYER_FIELDS = [
  ['queryWeight', ['attention.self.query.weight']],
  ['queryBias', ['attention.self.query.bias']],
  ['keyWeight', ['attention.self.key.weight']],
  ['keyBias', ['attention.self.key.bias']],
  ['valueWeight', ['attention.self.value.weight']],
  ['valueBias', ['attention.self.value.bias']],
  ['attnOutputWeight', ['attention.output.dense.weight']],
  ['attnOutputBias', ['attention.output.dense.bias']],
  ['attnLnWeight', layerNormWeight('attention.output.LayerNorm')],
  ['attnLnBias', layerNormBias('attention.output.LayerNorm')],
  ['intermediateWeight', ['intermediate.dense.weight']],
  ['intermediateBias', ['intermediate.dense.bias']],
  ['outputWeight', ['output.dense.weight']],
  ['outputBias', ['output.dense.bias']],
  ['outputLnWeight', layerNormWeight('output.LayerNorm')],
  ['outputLnBias', layerNormBias('output.LayerNorm')],
] as const satisfies readonly (readonly [keyof BertLayerWeights, readonly string[]])[];

function layerShapes(config: BertConfig): Record<keyof BertLayerWeights, number[]> {
  const { hiddenSize: C, intermediateSize: F } = config;
  return {
    queryWeight: [C, C],
    queryBias: [C],
    keyWeight: [C, C],
    keyBias: [C],
    valueWeight: [C, C],
    valueBias: [C],
    attnOutputWeight: [C, C],
    attnOutputBias: [C],
    attnLnWeight: [C],
    attnLnBias: [C],
    intermediateWeight: [F, C],
    intermediateBias: [F],
    outputWeight: [C, F],
    outputBias: [C],
    outputLnWeight: [C],
    outputLnBias: [C],
  };
}

/** Reads and checks every BERT parameter; throws one WeightsError listing all missing or misshapen tensors. */
export function bertWeightsFromSafetensors(file: TensorSource, config: BertConfig): BertWeights {
  const prefix = file.has('bert.embeddings.word_embeddings.weight') ? 'bert.' : '';
  const reader = new CheckpointReader(file, prefix);
  const { vocabSize: V, maxPositionEmbeddings: P, typeVocabSize: TV, hiddenSize: C, numHiddenLayers: L } = config;
  const shapes = layerShapes(config);
  const embeddings = {
    wordEmbeddings: reader.tensor('embeddings.word_embeddings.weight', [V, C]),
    positionEmbeddings: reader.tensor('embeddings.position_embeddings.weight', [P, C]),
    tokenTypeEmbeddings: reader.tensor('embeddings.token_type_embeddings.weight', [TV, C]),
    embeddingsLnWeight: reader.tensor(layerNormWeight('embeddings.LayerNorm'), [C]),
    embeddingsLnBias: reader.tensor(layerNormBias('embeddings.LayerNorm'), [C]),
  };
  const layers = Array.from({ length: L }, (_, layer) => {
    const entries = LAYER_FIELDS.map(([field, names]) => [
      field,
      reader.tensor(names.map((name) => `encoder.layer.${layer}.${name}`), shapes[field]),
    ]);
    return Object.fromEntries(entries) as BertLayerWeights;
  });
  const weights: BertWeights = { ...embeddings, layers };
  if (reader.hasAnyStartingWith(`${prefix}pooler.`)) {
    weights.pooler = {
      weight: reader.tensor('pooler.dense.weight', [C, C]),
      bias: reader.tensor('pooler.dense.bias', [C]),
    };
  }
  if (reader.hasAnyStartingWith('cls.predictions.')) weights.mlmHead = readMlmHead(reader, V, C);
  if (reader.hasAnyStartingWith('classifier.')) {
    weights.classifier = {
      weight: reader.unprefixedTensor('classifier.weight', [config.numLabels, C]),
      bias: reader.unprefixedTensor('classifier.bias', [config.numLabels]),
    };
  }
  reader.finish(`a BERT with V=${V}, P=${P}, C=${C}, L=${L}, F=${config.intermediateSize}, labels=${config.numLabels}`);
  return weights;
}

function readMlmHead(reader: CheckpointReader, V: number, C: number): BertMlmHeadWeights {
  const head: BertMlmHeadWeights = {
    transformWeight: reader.unprefixedTensor('cls.predictions.transform.dense.weight', [C, C]),
    transformBias: reader.unprefixedTensor('cls.predictions.transform.dense.bias', [C]),
    transformLnWeight: reader.unprefixedTensor(layerNormWeight('cls.predictions.transform.LayerNorm'), [C]),
    transformLnBias: reader.unprefixedTensor(layerNormBias('cls.predictions.transform.LayerNorm'), [C]),
    bias: reader.unprefixedTensor(['cls.predictions.bias', 'cls.predictions.decoder.bias'], [V]),
  };
  if (reader.hasUnprefixed('cls.predictions.decoder.weight')) {
    head.decoderWeight = reader.unprefixedTensor('cls.predictions.decoder.weight', [V, C]);
  }
  return head;
}

/** The inverse, for export: tensors named as Hugging Face's Bert*Model classes save them (`bert.` prefix). */
export function bertWeightsToTensors(weights: BertWeights): HostTensor[] {
  const prefix = 'bert.';
  const layerTensors = weights.layers.flatMap((layer, index) =>
    LAYER_FIELDS.map(([field, names]) => renamed(layer[field], `${prefix}encoder.layer.${index}.${names[0]}`)),
  );
  const tensors = [
    renamed(weights.wordEmbeddings, `${prefix}embeddings.word_embeddings.weight`),
    renamed(weights.positionEmbeddings, `${prefix}embeddings.position_embeddings.weight`),
    renamed(weights.tokenTypeEmbeddings, `${prefix}embeddings.token_type_embeddings.weight`),
    renamed(weights.embeddingsLnWeight, `${prefix}embeddings.LayerNorm.weight`),
    renamed(weights.embeddingsLnBias, `${prefix}embeddings.LayerNorm.bias`),
    ...layerTensors,
  ];
  if (weights.pooler) {
    tensors.push(renamed(weights.pooler.weight, `${prefix}pooler.dense.weight`));
    tensors.push(renamed(weights.pooler.bias, `${prefix}pooler.dense.bias`));
  }
  const head = weights.mlmHead;
  if (head) {
    tensors.push(renamed(head.transformWeight, 'cls.predictions.transform.dense.weight'));
    tensors.push(renamed(head.transformBias, 'cls.predictions.transform.dense.bias'));
    tensors.push(renamed(head.transformLnWeight, 'cls.predictions.transform.LayerNorm.weight'));
    tensors.push(renamed(head.transformLnBias, 'cls.predictions.transform.LayerNorm.bias'));
    tensors.push(renamed(head.bias, 'cls.predictions.bias'));
    if (head.decoderWeight) tensors.push(renamed(head.decoderWeight, 'cls.predictions.decoder.weight'));
  }
  if (weights.classifier) {
    tensors.push(renamed(weights.classifier.weight, 'classifier.weight'));
    tensors.push(renamed(weights.classifier.bias, 'classifier.bias'));
  }
  return tensors;
}
