// The live model's checkpoint -> the bytes of an .onnx file that onnxruntime (web, wasm or WebGPU) loads as is.

import type { GraphOptions, GraphWeights } from '../models/family';
import type { LoadedModel } from '../models/checkpoint';

/** `weights`: how the engine stores the model's matmul weights; an export writes the same values by default. */
export type ExportableModel = Pick<LoadedModel, 'family' | 'config' | 'source'> & Partial<Pick<LoadedModel, 'weights'>>;

/**
 * What `weights` an export takes: 'f32' (standard operators only), or the matmul weights the engine packs in 4 or 8
 * bits as onnxruntime's com.microsoft MatMulNBits (so such a file runs in onnxruntime only).
 */
export const ONNX_WEIGHTS: readonly GraphWeights[] = ['f32', 'q4', 'q8'];
const BITS = { q4: 4, q8: 8 } as const;

/**
 * The export that computes what the engine computes: 8/4-bit weights as MatMulNBits; f16 ones (ORT has no f16 form
 * of ours) in f32, exactly their values for a checkpoint stored in f16.
 */
export function graphWeightsFor(weights: LoadedModel['weights'] = 'f32'): GraphWeights {
  return weights === 'q4' || weights === 'q8' ? weights : 'f32';
}

/** The model as ONNX bytes; `options.weights` defaults to what the engine holds (graphWeightsFor). */
export function exportOnnx(model: ExportableModel, options: GraphOptions = { attentions: true }): Uint8Array {
  const { family, config, source } = model;
  options = { ...options, weights: options.weights ?? graphWeightsFor(model.weights) };
  const { L, C, H, V } = config.dims;
  const cache = family.kind === 'decoder' && !options.pastKeyValues ? ', no KV cache' : '';
  const weights = options.weights && options.weights !== 'f32' ? `, ${BITS[options.weights]}-bit matmul weights (MatMulNBits)` : '';
  return family.onnxGraph(config, source, options).encode(`${family.label}, L=${L} C=${C} H=${H} V=${V}${cache}${weights}`);
}
