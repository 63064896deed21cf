// A checkpoint's files -> a model on a backend. The one path every model takes: embedded, Hub, URL and local files.

import { parseModelConfig, type BertConfig, type Gpt2Config } from '../weights/config';
import type { TensorSource } from '../weights/tensor-source';
import { gpt2WeightsFromSafetensors } from '../weights/gpt2-weights';
import { bertWeightsFromSafetensors, type BertWeights } from '../weights/bert-weights';
import type { Gpt2Weights } from '../weights/gpt2-weights';
import type { Backend } from './backend';
import { Gpt2 } from './gpt2/gpt2';
import { Bert } from './bert/bert';

export type LoadedModel<Buf> =
  | { modelType: 'gpt2'; config: Gpt2Config; weights: Gpt2Weights; model: Gpt2<Buf> }
  | { modelType: 'bert'; config: BertConfig; weights: BertWeights; model: Bert<Buf> };

export interface CheckpointFiles {
  config: unknown; // parsed config.json
  weights: TensorSource; // model.safetensors, shards or a torch checkpoint
}

export function buildModel<Buf>(backend: Backend<Buf>, files: CheckpointFiles): LoadedModel<Buf> {
  const config = parseModelConfig(files.config);
  const file = files.weights;
  if (config.family === 'gpt2') {
    const weights = gpt2WeightsFromSafetensors(file, config);
    return { modelType: 'gpt2', config, weights, model: new Gpt2(backend, config, weights) };
  }
  const weights = bertWeightsFromSafetensors(file, config);
  return { modelType: 'bert', config, weights, model: new Bert(backend, config, weights) };
}
