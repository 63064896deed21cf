// Whole-model rows on synthetic weights at the shapes of shapes.ts: encoder forwards (MLM logits for every token),
// decoder prefill (logits for every prompt token, or the last one's) and decode in ms per token with a KV cache on
// both sides, and the load of a full checkpoint to its first forward. The ONNX side is the same weights exported by
// src/onnx, one session per provider shared by a model's rows.

import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-web';
import type { Tensor } from '../gpu';
import { buildModel, type LoadedModel } from '../models/checkpoint';
import { bytesPerWeight } from '../kernels/matmul/packed.ref';
import type { WeightFormat } from '../models/backend';
import type { ModelConfig, ModelDims } from '../models/family';
import { createGpuBackend } from '../models/gpuBackend';
import { FAMILIES, familyOf, parseModelConfig } from '../models/registry';
import { syntheticBertConfig, syntheticBertTensors, syntheticGpt2Config, syntheticGpt2Tensors } from '../models/synthetic';
import { exportOnnx } from '../onnx/exportOnnx';
import { OrtGpt2Decoder, type DecoderState } from '../onnx/ortDecoder';
import { createOrtSession, type OrtModule, type OrtProvider } from '../onnx/ortSession';
import type { HostTensor } from '../weights/host-tensor';
import { SafetensorsFile } from '../weights/safetensors';
import { writeSafetensors } from '../weights/safetensors-writer';
import { type BenchCase, type BenchContext, type Run, randomFloats } from './benchCase';
import type { DecoderRows, EncoderRows } from './shapes';

const tokenIds = (T: number, V: number, seed: number) => Array.from({ length: T }, (_, i) => (i * 7919 + seed) % V);

function int64Feeds(ort: OrtModule, names: readonly string[], ids: number[]): Record<string, OrtTensor> {
  const T = ids.length;
  const values: Record<string, number[]> = { input_ids: ids, attention_mask: ids.map(() => 1), token_type_ids: ids.map(() => 0) };
  return Object.fromEntries(names.map((name) => [name, new ort.Tensor('int64', BigInt64Array.from(values[name], BigInt), [1, T])]));
}

/**
 * Multiply-adds ×2 of one layer for T new positions over Tk keys: q, k, v and output projections (kv heads only for
 * k and v), the feed-forward network (three matrices when gated, SwiGLU; two otherwise) and the two attention products.
 */
export function layerFlops(T: number, Tk: number, dims: Pick<ModelDims, 'C' | 'H' | 'Hkv' | 'D' | 'F' | 'activation'>): number {
  const { C, H, Hkv, D, F } = dims;
  const projections = 2 * C * H * D + 2 * C * Hkv * D;
  const ffn = (dims.activation === 'silu' ? 3 : 2) * C * F;
  return 2 * T * (projections + ffn) + 4 * T * Tk * H * D;
}

/**
 * Bytes of weights one forward reads: every layer's matrices and the LM head (the token table, tied or not), in
 * `format` (their K, C or F, suits every packed format at these shapes).
 */
function weightBytes(dims: ModelDims, format: WeightFormat = 'f32'): number {
  const { C, H, Hkv, D, F, V, L } = dims;
  const perLayer = 2 * C * H * D + 2 * C * Hkv * D + (dims.activation === 'silu' ? 3 : 2) * C * F;
  return (L * perLayer + V * C) * bytesPerWeight(format);
}

/** A checkpoint of synthetic weights at `json`'s shape, as safetensors bytes. */
export function syntheticCheckpoint(json: Record<string, unknown>): { config: ModelConfig; bytes: Uint8Array } {
  const modelType = json.model_type;
  const config = modelType === 'gpt2' ? syntheticGpt2Config(json) : modelType === 'bert' ? syntheticBertConfig(json) : parseModelConfig(json);
  const tensors = config.family === 'gpt2' ? syntheticGpt2Tensors(config)
    : config.family === 'bert' ? syntheticBertTensors(config, { pooler: false })
    : config.family === 'llama' ? llamaTensors(config)
    : null;
  if (!tensors) throw new Error(`The benchmark has no synthetic checkpoint for the ${config.family} family.`);
  return { config, bytes: writeSafetensors(tensors) };
}

/** LlamaForCausalLM's names (tied head: no lm_head.weight), values in [-1, 1) scaled by 1/sqrt(fan-in). */
function llamaTensors(config: ModelConfig): HostTensor[] {
  const { L, C, H, Hkv, D, F, V } = config.dims;
  let seed = 1;
  const tensor = (name: string, shape: number[], fanIn: number) => ({ name, shape, data: randomFloats(shape[0] * (shape[1] ?? 1), seed++, 1 / Math.sqrt(fanIn)) });
  const ones = (name: string) => ({ name, shape: [C], data: new Float32Array(C).fill(1) });
  const tensors = [tensor('model.embed_tokens.weight', [V, C], 1), ones('model.norm.weight')];
  for (let l = 0; l < L; l++) {
    const p = `model.layers.${l}.`;
    tensors.push(
      ones(`${p}input_layernorm.weight`), ones(`${p}post_attention_layernorm.weight`),
      tensor(`${p}self_attn.q_proj.weight`, [H * D, C], C), tensor(`${p}self_attn.k_proj.weight`, [Hkv * D, C], C),
      tensor(`${p}self_attn.v_proj.weight`, [Hkv * D, C], C), tensor(`${p}self_attn.o_proj.weight`, [C, H * D], H * D),
      tensor(`${p}mlp.gate_proj.weight`, [F, C], C), tensor(`${p}mlp.up_proj.weight`, [F, C], C), tensor(`${p}mlp.down_proj.weight`, [C, F], F),
    );
  }
  return tensors;
}

/** Whether the registry has a family reading this config.json's model_type (the Llama row waits for its family). */
export function hasFamilyFor(json: Record<string, unknown>): boolean {
  return FAMILIES.some((family) => family.modelTypes.includes(String(json.model_type)));
}

function load(context: BenchContext, json: Record<string, unknown>, label: string, weights: WeightFormat = 'f32'): LoadedModel<Tensor> {
  const { config, bytes } = syntheticCheckpoint(json);
  return buildModel(createGpuBackend(context.gpu, `bench.${label}`, { weights }), { config: config.raw, weights: SafetensorsFile.parse(bytes) });
}

/** One session per provider on `graph`, released together. */
async function sessions(context: BenchContext, graph: Uint8Array) {
  const byProvider: Partial<Record<OrtProvider, InferenceSession>> = {};
  for (const provider of context.providers) byProvider[provider] = await createOrtSession(context.ort, graph, provider);
  return {
    /** Each provider's run of `feeds`, its output `output` (the last `lastRow` floats only, when given). */
    runs(feeds: () => Record<string, OrtTensor>, output: string, lastRow?: number): Partial<Record<OrtProvider, Run>> {
      return Object.fromEntries(Object.entries(byProvider).map(([provider, session]) => [provider, async () => {
        const data = (await session.run(feeds(), [output]))[output].data as Float32Array;
        return lastRow ? data.slice(data.length - lastRow) : data;
      }]));
    },
    release: () => Promise.all(Object.values(byProvider).map((session) => session.release())),
  };
}

export async function encoderCases(context: BenchContext, rows: EncoderRows): Promise<BenchCase[]> {
  const loaded = load(context, rows.config, rows.label);
  const { dims } = loaded.config;
  const peer = await sessions(context, exportOnnx(loaded, { attentions: false }));
  const cases = rows.T.map((T): BenchCase => {
    const ids = tokenIds(T, dims.V, 101);
    const feeds = int64Feeds(context.ort, ['input_ids', 'attention_mask', 'token_type_ids'], ids);
    return {
      group: 'model',
      name: `${rows.label} forward T=${T}`,
      flops: dims.L * layerFlops(T, T, dims) + 2 * T * dims.C * (dims.C + dims.V),
      perRun: 1,
      tokensPerRun: T,
      ours: async () => (await loaded.model.forward({ ids }, { logits: 'all' })).logits!,
      ort: peer.runs(() => feeds, 'logits'),
      dispose: async () => undefined,
    };
  });
  cases[cases.length - 1].dispose = async () => {
    loaded.model.dispose();
    await peer.release();
  };
  return cases;
}

export async function decoderCases(context: BenchContext, rows: DecoderRows): Promise<BenchCase[]> {
  const loaded = load(context, rows.config, rows.label);
  const { model, config } = loaded;
  const { dims } = config;
  const { C, L, V, Hkv, D } = dims;
  const peer = await sessions(context, exportOnnx(loaded, { attentions: false }));
  /** The prompt each model's KV cache holds (each decode row rewinds to its own; a prefill row empties it). */
  const cachedPrompts = new Map<LoadedModel<Tensor>, number[]>();
  /** The same checkpoint with packed weights, one model per format the decode rows ask for. */
  const packedModels = new Map<WeightFormat, LoadedModel<Tensor>>();
  const modelFor = (weights: WeightFormat) => {
    if (weights === 'f32') return loaded;
    if (!packedModels.has(weights)) packedModels.set(weights, load(context, rows.config, `${rows.label}.${weights}`, weights));
    return packedModels.get(weights)!;
  };
  const cases: BenchCase[] = rows.prefill.map(({ T, logits }) => {
    const prompt = tokenIds(T, V, 50);
    const feeds = int64Feeds(context.ort, ['input_ids', 'attention_mask'], prompt);
    return {
      group: 'model',
      name: `${rows.label} prefill T=${T}${logits === 'last' ? ', last row' : ''}`,
      flops: L * layerFlops(T, T, dims) + 2 * (logits === 'all' ? T : 1) * C * V,
      perRun: 1,
      tokensPerRun: T,
      note: logits === 'last' ? 'the LM head over the last position only (generation, compare)' : undefined,
      ours: async () => {
        model.resetCache();
        cachedPrompts.delete(loaded);
        return (await model.forward({ ids: prompt }, { logits })).logits!;
      },
      ort: peer.runs(() => feeds, 'logits', logits === 'last' ? V : undefined),
      dispose: async () => undefined,
    };
  });
  const release: (() => Promise<unknown>)[] = [async () => model.dispose(), peer.release, async () => packedModels.forEach((packed) => packed.model.dispose())];
  for (const decode of rows.decode ?? []) cases.push(await decodeCase(context, modelFor(decode.weights ?? 'f32'), decode, rows.label, release));
  cases[cases.length - 1].dispose = async () => {
    for (const step of release) await step();
  };
  return cases;

  async function decodeCase(
    context: BenchContext,
    loaded: LoadedModel<Tensor>,
    { after: T, steps, weights = 'f32' }: { after: number; steps: number; weights?: WeightFormat },
    label: string,
    release: (() => Promise<unknown>)[],
  ): Promise<BenchCase> {
    const { model } = loaded;
    const prompt = tokenIds(T, V, 50);
    const continuation = tokenIds(steps, V, 7);
    // Ours: the prompt goes into the KV cache once (again only if another row replaced it); each run rewinds to it
    // and decodes the same tokens.
    const decodeOurs = async () => {
      if (cachedPrompts.get(loaded) !== prompt) {
        model.resetCache();
        await model.forward({ ids: prompt }, { logits: 'none' });
        cachedPrompts.set(loaded, prompt);
      }
      model.truncateCache(T);
      let logits: Float32Array = new Float32Array();
      for (const id of continuation) logits = (await model.forward({ ids: [id] }, { logits: 'last' })).logits!;
      return logits;
    };
    // ORT runs 8- and 4-bit weights as MatMulNBits, the same values ours computes with; it has no f16 form of ours.
    const graphWeights = weights === 'q4' || weights === 'q8' ? weights : 'f32';
    // ORT: the graph exported with past_key_values, the prompt's cache kept the same way.
    const cachedGraph = exportOnnx(loaded, { attentions: false, pastKeyValues: true, weights: graphWeights });
    const decoders: Partial<Record<OrtProvider, { decoder: OrtGpt2Decoder; prompt: DecoderState }>> = {};
    for (const provider of context.providers) {
      const decoder = await OrtGpt2Decoder.create(context.ort, cachedGraph, provider, { layers: L, heads: Hkv, headSize: D });
      release.push(() => decoder.release());
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
    const Tk = T + steps / 2;
    const packedNote = weights === 'f32' ? ''
      : graphWeights !== 'f32' ? `; both with the same ${weights} weights (ORT: MatMulNBits)`
      : `; ours with ${weights} weights, ORT with f32 ones (agreement checked at 1e-2)`;
    return {
      group: 'model',
      name: `${label} decode ${steps} tokens after ${T}${weights === 'f32' ? '' : `, ${weights} weights`} (ms/token)`,
      flops: L * layerFlops(1, Tk, dims) + 2 * C * V,
      bytes: weightBytes(dims, weights) + 4 * L * 2 * Tk * Hkv * D,
      perRun: steps,
      tokensPerRun: steps,
      agreement: weights === graphWeights ? undefined : 1e-2,
      note: `both sides keep a KV cache (ORT: the graph exported with past_key_values, cache on the GPU for WebGPU); GB/s: weights and cache read per token${packedNote}`,
      ours: decodeOurs,
      ort: decodeOrt,
      dispose: async () => undefined,
    };
  }
}

/** Bytes of the JS heap in use now, where the runtime says (Chrome's performance.memory, Node's process). */
export type HeapProbe = () => number | undefined;

/**
 * A full checkpoint from bytes in memory to its first forward: parse, build (upload every tensor), compile the
 * pipelines ahead (Gpu.compileAhead), then the first forward (the last row's logits). ORT: export, session, first run.
 * The peak JS heap is sampled between the steps (and by the caller's probe, where it has one).
 */
export async function loadCase(context: BenchContext, rows: { label: string; config: Record<string, unknown> }, heap: HeapProbe): Promise<BenchCase> {
  const { gpu } = context;
  const { config, bytes } = syntheticCheckpoint(rows.config);
  const ids = tokenIds(8, config.dims.V, 3);
  const feeds = int64Feeds(context.ort, ['input_ids', 'attention_mask'], ids);
  const steps: Record<string, number> = {};
  let peakHeap = 0;
  const sample = () => void (peakHeap = Math.max(peakHeap, heap() ?? 0));
  const time = async <T>(step: string, work: () => Promise<T> | T): Promise<T> => {
    const started = performance.now();
    const result = await work();
    steps[step] = performance.now() - started;
    sample();
    return result;
  };
  const ort: Partial<Record<OrtProvider, Run>> = {};
  for (const provider of context.providers) {
    ort[provider] = async () => {
      const loaded = { family: familyOf(config), config, source: SafetensorsFile.parse(bytes) };
      const session = await createOrtSession(context.ort, exportOnnx(loaded, { attentions: false }), provider);
      const logits = (await session.run(feeds, ['logits'])).logits.data as Float32Array;
      await session.release();
      return logits.slice(logits.length - config.dims.V);
    };
  }
  let pipelines = 0;
  return {
    group: 'load',
    name: `${rows.label} load to first forward (${(bytes.byteLength / 2 ** 20).toFixed(0)} MiB in memory)`,
    flops: 0,
    bytes: bytes.byteLength,
    perRun: 1,
    runs: 1,
    ours: async () => {
      sample();
      const source = await time('parse', () => SafetensorsFile.parse(bytes));
      const loaded = await time('build', () => buildModel(createGpuBackend(gpu, 'bench.load'), { config: config.raw, weights: source }));
      pipelines = await time('compile', () => loaded.model.backend.compileAhead(() => loaded.model.forward({ ids }, { logits: 'last' })));
      loaded.model.resetCache();
      const logits = await time('forward', async () => (await loaded.model.forward({ ids }, { logits: 'last' })).logits!);
      loaded.model.dispose();
      return logits;
    },
    ort,
    details: () => {
      const parts = Object.entries(steps).map(([step, ms]) => `${step} ${ms.toFixed(0)} ms`).join(', ');
      return `ours: ${parts} (${pipelines} pipelines compiled ahead, createComputePipelineAsync); peak JS heap ${peakHeap ? `${(peakHeap / 2 ** 20).toFixed(0)} MB` : 'not measurable here'}`;
    },
    dispose: async () => undefined,
  };
}
