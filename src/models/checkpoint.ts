// A checkpoint's files -> a model on a backend, through its family. The one path every model takes: embedded, Hub,
// URL and local files.

import type { TensorSource } from '../weights/tensor-source';
import { WEIGHT_FORMATS, type Backend, type WeightFormat } from './backend';
import type { LanguageModel, ModelConfig, ModelFamily } from './family';
import { familyOfJson } from './registry';

export interface LoadedModel<Buf = unknown> {
  family: ModelFamily;
  config: ModelConfig;
  /** The checkpoint the model was built from: its tensors under Hugging Face's names (ONNX export reads them). */
  source: TensorSource;
  model: LanguageModel<Buf>;
  /** How the model's matmul weights are stored on its backend (the backend's format; f32 unless packed). */
  weights: WeightFormat;
}

export interface CheckpointFiles {
  config: unknown; // parsed config.json
  weights: TensorSource; // model.safetensors, shards or a torch checkpoint
}

export function buildModel<Buf>(backend: Backend<Buf>, files: CheckpointFiles): LoadedModel<Buf> {
  const { family, fields } = familyOfJson(files.config);
  const config = family.parseConfig(fields);
  return { family, config, source: files.weights, model: family.createModel(backend, config, files.weights), weights: backend.weights };
}

export type WeightChoice = 'auto' | WeightFormat;

export const WEIGHT_CHOICES: readonly WeightChoice[] = ['auto', ...WEIGHT_FORMATS];

/** 'auto': f16 when every float matrix of the checkpoint is stored f16 (packing them is then exact), else f32. */
export function resolveWeights(choice: WeightChoice, source: TensorSource): WeightFormat {
  if (choice !== 'auto') return choice;
  const matrices = source.names.map((name) => source.entry(name)).filter((entry) => entry.shape.length === 2 && /^(F16|BF16|F32|F64)$/.test(entry.dtype));
  return matrices.length > 0 && matrices.every((entry) => entry.dtype === 'F16') ? 'f16' : 'f32';
}
