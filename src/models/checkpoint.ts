// A checkpoint's files -> a model on a backend, through its family. The one path every model takes: embedded, Hub,
// URL and local files.

import type { TensorSource } from '../weights/tensor-source';
import type { Backend } from './backend';
import type { LanguageModel, ModelConfig, ModelFamily } from './family';
import { familyOfJson } from './registry';

export interface LoadedModel<Buf = unknown> {
  family: ModelFamily;
  config: ModelConfig;
  /** The checkpoint the model was built from: its tensors under Hugging Face's names (ONNX export reads them). */
  source: TensorSource;
  model: LanguageModel<Buf>;
}

export interface CheckpointFiles {
  config: unknown; // parsed config.json
  weights: TensorSource; // model.safetensors, shards or a torch checkpoint
}

export function buildModel<Buf>(backend: Backend<Buf>, files: CheckpointFiles): LoadedModel<Buf> {
  const { family, fields } = familyOfJson(files.config);
  const config = family.parseConfig(fields);
  return { family, config, source: files.weights, model: family.createModel(backend, config, files.weights) };
}
