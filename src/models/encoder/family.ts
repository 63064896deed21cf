// A model family on the post-LN encoder: the family folder (bert/, distilbert/, roberta/) gives its config parsing,
// its EncoderSpec and its Hugging Face name table; everything else a ModelFamily does follows from those.

import type { Gpu } from '../../gpu';
import type { HostTensor } from '../../weights/host-tensor';
import type { TensorSource } from '../../weights/tensor-source';
import type { Backend } from '../backend';
import type { ConfigFields } from '../configFields';
import type { HostClassifierHead, ModelConfig, ModelFamily, ModelHeads, TrainingTask } from '../family';
import { memoryEstimate, trainingMemory } from '../memory';
import { seededNormal } from '../../common/random';
import { mapParams, uploadParams, type LazyTensor } from '../params';
import type { TrainGraphOptions } from '../training/graph';
import { encoderParts, encoderToHf, readEncoder, type EncoderNameTable } from './checkpoint';
import { Encoder } from './encoder';
import { encoderOnnx } from './onnx';
import { encoderActivationShapes, encoderMatmulWeights, encoderShapes, type EncoderParams, type EncoderParts, type EncoderSpec } from './params';
import { EncoderTrain, encoderTrainingShapes, trainingParts } from './train';

export interface EncoderFamilyDefinition<Cfg extends ModelConfig> {
  id: string;
  label: string;
  modelTypes: readonly string[];
  hubSuggestions: readonly string[];
  builtinTokenizer?: string;
  maskToken: string;
  /** Hugging Face's class of a fine-tuned classifier ('BertForSequenceClassification'). */
  classificationArchitecture: string;
  parseConfig(fields: ConfigFields): Cfg;
  spec(config: Cfg): EncoderSpec;
  names(config: Cfg): EncoderNameTable;
}

export function encoderFamily<Cfg extends ModelConfig>(def: EncoderFamilyDefinition<Cfg>): ModelFamily<Cfg> {
  const describe = (config: Cfg) => {
    const { V, P, C, L, F } = config.dims;
    return `a ${def.label} with V=${V}, P=${P}, C=${C}, L=${L}, F=${F}, labels=${config.labels.numLabels}`;
  };
  const read = (config: Cfg, source: TensorSource, parts = encoderParts(source, def.names(config), config)) =>
    readEncoder(source, def.spec(config), def.names(config), parts, describe(config));
  const toHf = (config: Cfg) => (params: EncoderParams<HostTensor>) => encoderToHf(params, def.names(config));
  const headsOf = (parts: EncoderParts): ModelHeads => ({ lm: parts.mlm, classifier: parts.numLabels > 0, pooler: parts.pooler });

  return {
    id: def.id,
    label: def.label,
    modelTypes: def.modelTypes,
    kind: 'encoder',
    hubSuggestions: def.hubSuggestions,
    builtinTokenizer: def.builtinTokenizer,
    maskToken: def.maskToken,
    trainingTasks: ['classification'],
    parseConfig: def.parseConfig,

    heads: (config, source) => headsOf(encoderParts(source, def.names(config), config)),

    createModel<Buf>(backend: Backend<Buf>, config: Cfg, source: TensorSource) {
      const spec = def.spec(config);
      const parts = encoderParts(source, def.names(config), config);
      const shapes = encoderShapes(spec, parts);
      const params = uploadParams(backend, shapes, read(config, source, parts), encoderMatmulWeights) as EncoderParams<Buf>;
      return new Encoder(backend, config, spec, shapes, params, toHf(config));
    },

    memory(config, T = config.dims.P, weights = 'f32') {
      const spec = def.spec(config);
      const table = def.names(config);
      // Every head the family can have (which ones the checkpoint has is known only once its tensor names are).
      const parts: EncoderParts = { mlm: true, mlmDecoder: false, pooler: table.pooler !== undefined, numLabels: config.labels.numLabels, classifierDense: table.classifier.dense !== undefined };
      return memoryEstimate(encoderShapes(spec, parts), undefined, encoderActivationShapes(spec.dims, T), { matmulWeights: encoderMatmulWeights, format: weights });
    },

    onnxGraph(config, source, options) {
      return encoderOnnx(def.id, def.spec(config), read(config, source), options);
    },

    trainGraph(gpu: Gpu, config: Cfg, source: TensorSource, options: TrainGraphOptions) {
      if (options.task !== 'classification') throw new Error(`${def.label} fine-tunes for sequence classification, not ${options.task}.`);
      const stored = encoderParts(source, def.names(config), config);
      return new EncoderTrain(gpu, config, def.spec(config), read(config, source, stored), toHf(config), options.maxB, options.maxT, options.numLabels ?? config.labels.numLabels, {
        seed: options.seed,
        dropout: options.dropout,
        stored,
        reread: (saved, parts) => read(config, saved, parts),
      });
    },

    trainingMemory(config: Cfg, task: TrainingTask, B: number, T: number, numLabels: number) {
      if (task !== 'classification') throw new Error(`${def.label} fine-tunes for sequence classification.`);
      const spec = def.spec(config);
      const parts = trainingParts({ mlm: false, mlmDecoder: false, pooler: false, numLabels, classifierDense: def.names(config).classifier.dense !== undefined }, numLabels);
      return trainingMemory(encoderShapes(spec, parts), encoderTrainingShapes(spec, B, T, numLabels));
    },

    classifierHead(config: Cfg, source: TensorSource, numLabels: number, seed: number): HostClassifierHead {
      const spec = def.spec(config);
      const table = def.names(config);
      const stored = encoderParts(source, table, config);
      const params = read(config, source, { ...stored, mlm: false, mlmDecoder: false });
      const { C } = spec.dims;
      const std = typeof config.raw.initializer_range === 'number' ? config.raw.initializer_range : 0.02;
      // Hugging Face's names for the head: the classifier's own dense layer, or the pooler under the body prefix (BERT).
      const [denseWeightName, denseBiasName] = table.classifier.dense
        ? table.classifier.dense.map((names) => names[0])
        : table.pooler!.map((names) => table.bodyPrefixes[0] + names[0]);
      const [outWeightName, outBiasName] = table.classifier.out.map((names) => names[0]);
      const copy = (name: string, tensor: LazyTensor): HostTensor => ({ name, shape: tensor.shape, data: Float32Array.from(tensor.load()) });
      const normal = (name: string, shape: number[], salt: number): HostTensor => ({ name, shape, data: seededNormal(shape[0] * shape[1], seed + salt, std) });
      const zeros = (name: string, n: number): HostTensor => ({ name, shape: [n], data: new Float32Array(n) });
      const storedDense = params.classifier?.denseWeight && params.classifier.denseBias
        ? { weight: params.classifier.denseWeight, bias: params.classifier.denseBias }
        : table.classifier.dense ? undefined : params.pooler;
      const dense = storedDense
        ? { weight: copy(denseWeightName, storedDense.weight), bias: copy(denseBiasName, storedDense.bias) }
        : { weight: normal(denseWeightName, [C, C], 1), bias: zeros(denseBiasName, C) };
      const out = params.classifier && params.classifier.outWeight.shape[0] === numLabels
        ? { weight: copy(outWeightName, params.classifier.outWeight), bias: copy(outBiasName, params.classifier.outBias) }
        : { weight: normal(outWeightName, [numLabels, C], 2), bias: zeros(outBiasName, numLabels) };
      return { dense, activation: table.classifier.dense ? spec.headActivation : 'tanh', out };
    },

    withClassifierHead(config: Cfg, source: TensorSource, head: HostClassifierHead) {
      const stored = encoderParts(source, def.names(config), config);
      const body = read(config, source, { ...stored, mlm: false, mlmDecoder: false, numLabels: 0 });
      const host = mapParams(encoderShapes(def.spec(config), { ...stored, mlm: false, mlmDecoder: false, numLabels: 0 }), body,
        (tensor: LazyTensor) => ({ name: tensor.name, shape: tensor.shape, data: tensor.load() })) as EncoderParams<HostTensor>;
      const ownDense = def.names(config).classifier.dense !== undefined;
      return encoderToHf({
        ...host,
        pooler: ownDense ? host.pooler : head.dense,
        classifier: {
          denseWeight: ownDense ? head.dense.weight : undefined,
          denseBias: ownDense ? head.dense.bias : undefined,
          outWeight: head.out.weight,
          outBias: head.out.bias,
        },
      }, def.names(config));
    },

    architectureFor: (task) => {
      if (task !== 'classification') throw new Error(`${def.label} fine-tunes for sequence classification.`);
      return def.classificationArchitecture;
    },
  };
}

