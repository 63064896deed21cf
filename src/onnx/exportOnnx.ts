// The live model's weights -> the bytes of an .onnx file that onnxruntime (web, wasm or WebGPU) loads as is.

import type { BertConfig, Gpt2Config } from '../weights/config';
import type { BertWeights } from '../weights/bert-weights';
import type { Gpt2Weights } from '../weights/gpt2-weights';
import { bertGraph } from './bertGraph';
import { gpt2Graph, type GraphOptions } from './gpt2Graph';

/** A model's typed weights and config, as the engine holds them. */
export type ExportableModel =
  | { modelType: 'gpt2'; config: Gpt2Config; weights: Gpt2Weights }
  | { modelType: 'bert'; config: BertConfig; weights: BertWeights };

export function exportOnnx(model: ExportableModel, options: GraphOptions = { attentions: true }): Uint8Array {
  if (model.modelType === 'gpt2') {
    const { nLayer, nEmbd, nHead, vocabSize } = model.config;
    return gpt2Graph(model.config, model.weights, options).encode(`GPT-2, L=${nLayer} C=${nEmbd} H=${nHead} V=${vocabSize}, no KV cache`);
  }
  const { numHiddenLayers, hiddenSize, numAttentionHeads, vocabSize } = model.config;
  return bertGraph(model.config, model.weights, options).encode(`BERT, L=${numHiddenLayers} C=${hiddenSize} H=${numAttentionHeads} V=${vocabSize}`);
}
