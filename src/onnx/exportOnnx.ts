// The live model's checkpoint -> the bytes of an .onnx file that onnxruntime (web, wasm or WebGPU) loads as is.

import type { GraphOptions } from '../models/family';
import type { LoadedModel } from '../models/checkpoint';

export type ExportableModel = Pick<LoadedModel, 'family' | 'config' | 'source'>;

export function exportOnnx({ family, config, source }: ExportableModel, options: GraphOptions = { attentions: true }): Uint8Array {
  const { L, C, H, V } = config.dims;
  const cache = family.kind === 'decoder' && !options.pastKeyValues ? ', no KV cache' : '';
  return family.onnxGraph(config, source, options).encode(`${family.label}, L=${L} C=${C} H=${H} V=${V}${cache}`);
}
