// Whole-model rows on synthetic weights of the benchmark's size: a BERT forward (MLM logits for every token),
// GPT-2 prefill (logits for every prompt token) and GPT-2 decode in ms per token, a KV cache on both sides. The ONNX
// side is the same weights exported by src/onnx.

import type { Tensor as OrtTensor } from 'onnxruntime-web';
import { buildModel } from '../models/checkpoint';
import { createGpuBackend } from '../models/gpuBackend';
import { exportOnnx } from '../onnx/exportOnnx';
import { OrtGpt2Decoder, type DecoderState } from '../onnx/ortDecoder';
import type { OrtModule, OrtProvider } from '../onnx/ortSession';
import { writeSafetensors } from '../weights/safetensors-writer';
import { syntheticBertConfig, syntheticBertTensors, syntheticGpt2Config, syntheticGpt2Tensors } from '../models/synthetic';
import { type BenchCase, type BenchContext, ortRuns } from './benchCase';
import type { ModelShape } from './shapes';
import { SafetensorsFile } from '../weights/safetensors';

const tokenIds = (T: number, V: number, seed: number) => Array.from({ length: T }, (_, i) => (i * 7919 + seed) % V);

function int64Feeds(ort: OrtModule, names: string[], ids: number[]): Record<string, OrtTensor> {
  const T = ids.length;
  const values: Record<string, number[]> = { input_ids: ids, attention_mask: ids.map(() => 1), token_type_ids: ids.map(() => 0) };
  return Object.fromEntries(names.map((name) => [name, new ort.Tensor('int64', BigInt64Array.from(values[name], BigInt), [1, T])]));
}

/** Per layer: q, k, v, output, MLP up and down projections, and the two attention products. */
export function layerFlops(T: number, Tk: number, C: number, F: number): number {
  return 2 * T * (4 * C * C + 2 * C * F) + 4 * T * Tk * C;
}

function loadBert(context: BenchContext, shape: ModelShape) {
  const config = syntheticBertConfig(shape.bert);
  const safetensors = writeSafetensors(syntheticBertTensors(config, { pooler: false }));
  return buildModel(createGpuBackend(context.gpu, 'bench.bert'), { config: config.raw, weights: SafetensorsFile.parse(safetensors) });
}

function loadGpt2(context: BenchContext, shape: ModelShape) {
  const config = syntheticGpt2Config(shape.gpt2);
  const safetensors = writeSafetensors(syntheticGpt2Tensors(config));
  return buildModel(createGpuBackend(context.gpu, 'bench.gpt2'), { config: config.raw, weights: SafetensorsFile.parse(safetensors) });
}

export async function bertForwardCase(context: BenchContext, shape: ModelShape): Promise<BenchCase> {
  const loaded = loadBert(context, shape);
  const { C, F, L, V } = loaded.config.dims;
  const ids = tokenIds(shape.T, V, 101);
  const feeds = int64Feeds(context.ort, ['input_ids', 'attention_mask', 'token_type_ids'], ids);
  const peer = await ortRuns(context, exportOnnx(loaded, { attentions: false }), () => feeds, 'logits');
  return {
    group: 'model',
    name: `BERT forward T=${shape.T} (L=${L} C=${C})`,
    flops: L * layerFlops(shape.T, shape.T, C, F) + 2 * shape.T * C * (C + V),
    perRun: 1,
    tokensPerRun: shape.T,
    ours: async () => (await loaded.model.forward({ ids }, { logits: 'all' })).logits!,
    ort: peer.runs,
    dispose: async () => {
      loaded.model.dispose();
      await peer.release();
    },
  };
}

export async function gpt2Cases(context: BenchContext, shape: ModelShape): Promise<BenchCase[]> {
  const loaded = loadGpt2(context, shape);
  const { model, config } = loaded;
  const { C, F, L, V, H } = config.dims;
  const { T, decodeSteps } = shape;
  const prompt = tokenIds(T, V, 50);
  const continuation = tokenIds(decodeSteps, V, 7);
  const graph = exportOnnx(loaded, { attentions: false });
  const peer = await ortRuns(context, graph, () => int64Feeds(context.ort, ['input_ids', 'attention_mask'], prompt), 'logits');
  const prefill: BenchCase = {
    group: 'model',
    name: `GPT-2 prefill T=${T} (L=${L} C=${C})`,
    flops: L * layerFlops(T, T, C, F) + 2 * T * C * V,
    perRun: 1,
    tokensPerRun: T,
    ours: async () => {
      model.resetCache();
      return (await model.forward({ ids: prompt }, { logits: 'all' })).logits!;
    },
    ort: peer.runs,
    dispose: async () => undefined, // the decode row releases the model and the sessions they share
  };

  // Ours: the prompt is in the KV cache once; each run rewinds to it and decodes the same tokens.
  model.resetCache();
  await model.forward({ ids: prompt }, { logits: 'none' });
  const decodeOurs = async () => {
    model.truncateCache(T);
    let logits: Float32Array = new Float32Array();
    for (const id of continuation) logits = (await model.forward({ ids: [id] }, { logits: 'last' })).logits!;
    return logits;
  };
  // ORT: the graph exported with past_key_values, the prompt's cache kept the same way.
  const cachedGraph = exportOnnx(loaded, { attentions: false, pastKeyValues: true });
  const decoders: Partial<Record<OrtProvider, { decoder: OrtGpt2Decoder; prompt: DecoderState }>> = {};
  for (const provider of context.providers) {
    const decoder = await OrtGpt2Decoder.create(context.ort, cachedGraph, provider, { layers: L, heads: H, headSize: C / H });
    await decoder.step(prompt);
    decoders[provider] = { decoder, prompt: decoder.snapshot() };
  }
  const decodeOrt = Object.fromEntries(
    Object.entries(decoders).map(([provider, { decoder, prompt: state }]) => [provider, async () => {
      decoder.restore(state);
      let logits: Float32Array = new Float32Array();
      for (const id of continuation) logits = await decoder.step([id]);
      return logits;
    }]),
  );
  const Tk = T + decodeSteps / 2;
  const decode: BenchCase = {
    group: 'model',
    name: `GPT-2 decode ${decodeSteps} tokens after ${T} (ms/token)`,
    flops: L * layerFlops(1, Tk, C, F) + 2 * C * V,
    perRun: decodeSteps,
    tokensPerRun: decodeSteps,
    note: 'both sides keep a KV cache (ORT: the graph exported with past_key_values, cache on the GPU for WebGPU)',
    ours: decodeOurs,
    ort: decodeOrt,
    dispose: async () => {
      model.dispose();
      await peer.release();
      for (const { decoder } of Object.values(decoders)) await decoder.release();
    },
  };
  return [prefill, decode];
}
