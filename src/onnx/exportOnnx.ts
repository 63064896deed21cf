// The live model's checkpoint -> the bytes of an .onnx file that onnxruntime (web, wasm or WebGPU) loads as is.

import type { GraphOptions, GraphWeights } from '../models/family';
import type { LoadedModel } from '../models/checkpoint';

export type ExportableModel = Pick<LoadedModel, 'family' | 'config' | 'source'>;

/**
 * What `weights` an export takes: 'f32' (standard operators only), or the matmul weights the engine packs in 4 or 8
 * bits as onnxruntime's com.microsoft MatMulNBits (so such a file runs in onnxruntime only).
 */
export const ONNX_WEIGHTS: readonly GraphWeights[] = ['f32', 'q4', 'q8'];
const BITS = { q4: 4, q8: 8 } as const;

export function exportOnnx({ family, config, source }: ExportableModel, options: GraphOptions = { attentions: true }): Uint8Array {
  const { L, C, H, V } = config.dims;
  const cache = family.kind === 'decoder' && !options.pastKeyValues ? ', no KV cache' : '';
  const weights = options.weights && options.weights !== 'f32' ? `, ${BITS[options.weights]}-bit matmul weights (MatMulNBits)` : '';
  return family.onnxGraph(config, source, options).encode(`${family.label}, L=${L} C=${C} H=${H} V=${V}${cache}${weights}`);
}
