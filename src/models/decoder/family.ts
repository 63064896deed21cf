// A model family on the pre-norm decoder: the family folder (gpt2/, gpt_neox/, llama/) gives its config parsing, its
// DecoderSpec and its Hugging Face name table; everything else a ModelFamily does follows from those.

import type { Gpu } from '../../gpu';
import type { HostTensor } from '../../weights/host-tensor';
import type { TensorSource } from '../../weights/tensor-source';
import type { Backend } from '../backend';
import type { ConfigFields } from '../configFields';
import type { ModelConfig, ModelFamily, TrainingTask } from '../family';
import { memoryEstimate, trainingMemory } from '../memory';
import { uploadParams } from '../params';
import type { TrainGraphOptions } from '../training/graph';
import { decoderToHf, hasUntiedHead, readDecoder, type DecoderNameTable } from './checkpoint';
import { Decoder, decoderActivationShapes, decoderCacheShapes } from './decoder';
import { decoderOnnx } from './onnx';
import { decoderMatmulWeights, decoderShapes, type DecoderParams, type DecoderSpec } from './params';
import { DecoderTrain, decoderTrainingShapes } from './train';

export interface DecoderFamilyDefinition<Cfg extends ModelConfig> {
  id: string;
  label: string;
  modelTypes: readonly string[];
  hubSuggestions: readonly string[];
  builtinTokenizer?: string;
  /** Hugging Face's class of the causal LM ('GPT2LMHeadModel'). */
  causalLmArchitecture: string;
  parseConfig(fields: ConfigFields): Cfg;
  spec(config: Cfg): DecoderSpec;
  names(config: Cfg): DecoderNameTable;
  /**
   * Whether the LM head is the token embeddings, as config.json says (tie_word_embeddings): then a stored head is
   * ignored and a missing one is reported. Without this hook the checkpoint decides (GPT-2: lm_head.weight if stored).
   */
  tiedHead?(config: Cfg): boolean;
}

export function decoderFamily<Cfg extends ModelConfig>(def: DecoderFamilyDefinition<Cfg>): ModelFamily<Cfg> {
  const describe = (config: Cfg) => {
    const { V, P, C, L, F, H, Hkv } = config.dims;
    return `a ${def.label} with V=${V}, P=${P}, C=${C}, L=${L}, H=${H}${Hkv !== H ? `, ${Hkv} kv heads` : ''}, F=${F}`;
  };
  const tied = (config: Cfg, source: TensorSource) => def.tiedHead?.(config) ?? !hasUntiedHead(source, def.names(config));
  const read = (config: Cfg, source: TensorSource) => readDecoder(source, def.spec(config), def.names(config), describe(config), tied(config, source));
  /** The parameter shapes before a checkpoint is seen (a GPT-2 counted tied, as nearly all are). */
  const shapesOf = (config: Cfg) => decoderShapes(def.spec(config), { lmHead: !(def.tiedHead?.(config) ?? true) });
  const toHf = (config: Cfg) => (params: DecoderParams<HostTensor>) => decoderToHf(params, def.spec(config), def.names(config));

  return {
    id: def.id,
    label: def.label,
    modelTypes: def.modelTypes,
    kind: 'decoder',
    hubSuggestions: def.hubSuggestions,
    builtinTokenizer: def.builtinTokenizer,
    trainingTasks: ['causal-lm'],
    parseConfig: def.parseConfig,

    heads: () => ({ lm: true, classifier: false, pooler: false }),

    createModel<Buf>(backend: Backend<Buf>, config: Cfg, source: TensorSource) {
      const spec = def.spec(config);
      const shapes = decoderShapes(spec, { lmHead: !tied(config, source) });
      const params = uploadParams(backend, shapes, read(config, source), decoderMatmulWeights(spec)) as DecoderParams<Buf>;
      return new Decoder(backend, config, spec, shapes, params, toHf(config));
    },

    memory(config, T = config.dims.P, weights = 'f32') {
      const spec = def.spec(config);
      return memoryEstimate(shapesOf(config), decoderCacheShapes(spec), decoderActivationShapes(spec, T), { matmulWeights: decoderMatmulWeights(spec), format: weights });
    },

    onnxGraph(config, source, options) {
      return decoderOnnx(def.id, def.spec(config), read(config, source), options);
    },

    trainGraph(gpu: Gpu, config: Cfg, source: TensorSource, options: TrainGraphOptions) {
      if (options.task !== 'causal-lm') throw new Error(`${def.label} fine-tunes for causal language modelling, not ${options.task}.`);
      // A saved training state holds the head the graph trains, whatever the checkpoint held.
      const checkpoint = read(config, source);
      const reread = (saved: TensorSource) => readDecoder(saved, def.spec(config), def.names(config), describe(config), !checkpoint.lmHead);
      return new DecoderTrain(gpu, config, def.spec(config), checkpoint, toHf(config), reread, options.maxB, options.maxT, { dropout: options.dropout });
    },

    architectureFor: (task) => {
      if (task !== 'causal-lm') throw new Error(`${def.label} fine-tunes for causal language modelling.`);
      return def.causalLmArchitecture;
    },

    trainingMemory(config: Cfg, task: TrainingTask, B: number, T: number) {
      if (task !== 'causal-lm') throw new Error(`${def.label} fine-tunes for causal language modelling.`);
      return trainingMemory(shapesOf(config), decoderTrainingShapes(def.spec(config), B, T));
    },
  };
}
