import { Gpu, type GpuInfo, type Tensor } from '../gpu';
import type { Backend } from '../models/backend';
import { buildModel, type LoadedModel } from '../models/checkpoint';
import { createCpuBackend } from '../models/cpuBackend';
import { createGpuBackend } from '../models/gpuBackend';
import { loadTokenizer, type TextTokenizer } from '../tokenizers/tokenizer';
import { builtinTokenizerUrl, fetchTokenizerJson } from '../tokenizers/builtins';
import { parseModelConfig } from '../weights/config';
import { loadModelFiles, type LoadProgress, type ModelFiles, type ModelSource as FileSource } from '../weights/sources';
import { EMBEDDED_MODELS, FAMILY_TOKENIZER } from './catalog';
import { estimateMemory, memoryProblem, type MemoryEstimate } from './memory';
import { NO_ADAPTER_REASON, webgpuMissingReason } from './webgpuSupport';
import { generate, type GenerateOptions, type GenerateResult } from './generate';
import { fillMask, type MaskPredictions, type MlmLogitsAt } from './fillMask';
import { meanPooled, pooledOutput } from '../models/bert/pooling';

export type { LoadProgress };
export type GpuOutcome = { ok: true; info: GpuInfo } | { ok: false; reason: string };

export interface LoadModelOptions {
  hubEndpoint: string;
  onProgress?: (progress: LoadProgress) => void;
  /** What the model will hold on the device, as soon as its config.json arrives. */
  onEstimate?: (memory: MemoryEstimate) => void;
}

export interface GpuCallbacks {
  onLost: (reason: string) => void;
  onBytesChanged: (bytes: number) => void;
}

/** An embedded model's name, a Hub id, an http(s) base URL, or local files. */
export type ModelSource = string | File[];

export interface ModelInfo {
  name: string;
  source: string;
  modelType: 'gpt2' | 'bert';
  config: LoadedModel<unknown>['config'];
  backend: 'webgpu' | 'cpu';
  layers: number;
  heads: number;
  width: number;
  memory: MemoryEstimate;
}

export interface ForwardResult {
  logits: Float32Array; // (T, V)
  attentions: Float32Array[]; // (L) x (H, T, T)
  /** With `saveQkv`: each layer's query | key | value rows, (L) x (T, 3C), head h at columns h·D.. of each third. */
  qkv?: Float32Array[];
  /** Which engine ran: 'webgpu', 'cpu' (our CPU reference path) or a forward provider's name. */
  engine: string;
}

/**
 * Another engine that can run the loaded model's forward pass (onnxruntime-web's wasm backend: the fast CPU mode
 * where the WebGPU adapter is a software fallback). When set, forward() and fill-mask use it; generation stays ours.
 */
export interface ForwardProvider {
  name: string; // shown to the user: which engine ran
  forward(ids: readonly number[], tokenTypeIds?: readonly number[]): Promise<{ logits: Float32Array; attentions: Float32Array[] }>;
}

export interface ForwardOptions {
  tokenTypeIds?: number[];
  saveQkv?: boolean;
}

export interface FillMaskResult {
  masks: { position: MaskPredictions['position']; predictions: { id: number; token: string; probability: number }[] }[];
}

export interface SentenceEmbedding {
  tokens: string[];
  typeIds: number[]; // 0 for sentence A, 1 for sentence B
  cls: Float32Array; // (C) last hidden state of [CLS]
  mean: Float32Array; // (C) mean of the last hidden states
  pooled?: Float32Array; // (C) tanh(dense(h[CLS])), when the checkpoint has a pooler
}

export interface NextTokenRow {
  token: string;
  id: number;
  probability: number;
}

export type EngineGenerateOptions = Omit<GenerateOptions, 'onToken' | 'onProbabilities'> & {
  /** The generated text so far, after every new token. */
  onText?: (text: string) => void;
  /** The most likely next tokens at each step (with `topProbabilities` set). */
  onProbabilities?: (rows: NextTokenRow[]) => void;
};

/** A load that a newer load replaced before it finished. */
export class LoadSupersededError extends Error {
  constructor(name: string) {
    super(`Loading ${name} was replaced by a newer load.`);
  }
}

interface Session {
  info: ModelInfo;
  files: ModelFiles;
  loaded: LoadedModel<unknown>;
  tokenizer: TextTokenizer;
}

/**
 * The engine behind the page: owns the GPU device and the loaded model. The UI reaches it through the store's
 * actions; `window.playground` through the same methods.
 */
class Engine {
  gpu?: Gpu;
  private acquiring?: Promise<GpuOutcome>;
  private session?: Session;
  private loadGeneration = 0;
  private provider?: ForwardProvider;

  /** Routes forward() and fill-mask to another engine (undefined: back to ours). */
  setForwardProvider(provider: ForwardProvider | undefined) {
    this.provider = provider;
  }

  get forwardEngine(): string {
    return this.provider?.name ?? this.session?.info.backend ?? 'webgpu';
  }
  private callbacks?: GpuCallbacks;

  acquireGpu(callbacks: GpuCallbacks): Promise<GpuOutcome> {
    this.callbacks = callbacks;
    this.acquiring ??= this.createGpu();
    return this.acquiring;
  }

  get model(): ModelInfo | undefined {
    return this.session?.info;
  }

  /** Loads a model; when another load starts before this one finishes, the newer one wins. */
  async loadModel(source: ModelSource, options: LoadModelOptions): Promise<ModelInfo> {
    const generation = ++this.loadGeneration;
    const resolved = resolveSource(source, options.hubEndpoint);
    const download = new AbortController();
    let refusal: Error | undefined;
    const files = await loadModelFiles(resolved.source, {
      onProgress: options.onProgress,
      signal: download.signal,
      // The estimate and the check against the adapter's limits come before the weights finish downloading.
      onConfig: (json) => {
        const memory = estimateMemory(parseModelConfig(json));
        options.onEstimate?.(memory);
        const problem = this.gpu && memoryProblem(memory, this.gpu.info.limits as { maxBufferSize: number });
        if (problem) {
          refusal = new Error(problem);
          download.abort(refusal);
        }
      },
    }).catch((error: unknown) => {
      throw refusal ?? error;
    });
    const tokenizer = await tokenizerFor(files);
    await this.acquiring; // a model loaded while the adapter is still being looked for goes to the GPU
    if (generation !== this.loadGeneration) throw new LoadSupersededError(resolved.name);
    this.session?.loaded.model.dispose();
    this.session = undefined;
    this.session = await this.build(resolved.name, files, tokenizer);
    return this.session.info;
  }

  async forward(ids: number[], options: ForwardOptions = {}): Promise<ForwardResult> {
    const { loaded } = this.requireSession();
    const { tokenTypeIds, saveQkv } = options;
    if (this.provider && !saveQkv) return { ...(await this.provider.forward(ids, tokenTypeIds)), engine: this.provider.name };
    const engine = loaded.model.backend.name;
    if (loaded.modelType === 'gpt2') {
      loaded.model.resetCache();
      const result = await loaded.model.forward(ids, { logits: 'all', saveAttention: true, saveQkv });
      loaded.model.resetCache();
      return { logits: result.logits!, attentions: result.attentions!, qkv: result.qkv, engine };
    }
    const result = await loaded.model.forward({ ids, tokenTypeIds }, { saveAttention: true, saveQkv, mlmLogits: loaded.model.hasMlmHead });
    return { logits: result.mlmLogits ?? result.hidden, attentions: result.attentions!, qkv: result.qkv, engine };
  }

  async generate(prompt: string, options: EngineGenerateOptions = {}): Promise<GenerateResult & { text: string }> {
    const { loaded, tokenizer } = this.requireSession();
    if (loaded.modelType !== 'gpt2') throw new Error('Text generation needs a GPT-2 model; the loaded model is BERT.');
    const promptIds = tokenizer.encode(prompt).ids;
    const eos = loaded.config.eosTokenId;
    const produced: number[] = [];
    const result = await generate(loaded.model, promptIds, {
      stopIds: eos === null ? [] : [eos],
      ...options,
      onToken: (id) => {
        produced.push(id);
        options.onText?.(tokenizer.decode(produced));
      },
      onProbabilities: (_step, top) =>
        options.onProbabilities?.(top.ids.map((id, i) => ({ id, token: tokenizer.decode([id]), probability: top.probs[i] }))),
    });
    return { ...result, text: tokenizer.decode(result.ids) };
  }

  async fillMask(text: string, k = 5): Promise<FillMaskResult> {
    const { loaded, tokenizer } = this.requireSession();
    if (loaded.modelType !== 'bert') throw new Error('Fill-mask needs a BERT model; the loaded model is GPT-2.');
    const maskId = tokenizer.encode('[MASK]', { addSpecialTokens: false }).ids;
    if (maskId.length !== 1) throw new Error('This tokenizer has no [MASK] token.');
    const bert = loaded.model;
    if (!bert.hasMlmHead) throw new Error('This checkpoint has no masked-language-model head (cls.predictions.*).');
    const V = loaded.config.vocabSize;
    const provider = this.provider;
    const logitsAt: MlmLogitsAt = provider
      ? async (ids, positions) => {
          const { logits } = await provider.forward(ids);
          const rows = new Float32Array(positions.length * V);
          positions.forEach((position, r) => rows.set(logits.subarray(position * V, (position + 1) * V), r * V));
          return rows;
        }
      : async (ids, positions) => (await bert.forward({ ids }, { mlmLogits: true, mlmPositions: positions })).mlmLogits!;
    const masks = await fillMask(logitsAt, V, tokenizer.encode(text).ids, maskId[0], k);
    return {
      masks: masks.map((mask) => ({
        ...mask,
        predictions: mask.predictions.map((p) => ({ ...p, token: tokenizer.idToToken(p.id) ?? String(p.id) })),
      })),
    };
  }

  /** BERT sentence (or sentence-pair) embeddings: the [CLS] hidden state, the mean over tokens, the pooler output. */
  async embed(text: string, pair?: string): Promise<SentenceEmbedding> {
    const { loaded, tokenizer } = this.requireSession();
    if (loaded.modelType !== 'bert') throw new Error('Sentence embeddings need a BERT model; the loaded model is GPT-2.');
    const encoding = pair === undefined ? { ...tokenizer.encode(text), typeIds: undefined } : tokenizer.encodePair(text, pair);
    const { hidden } = await loaded.model.forward({ ids: encoding.ids, tokenTypeIds: encoding.typeIds });
    const C = loaded.config.hiddenSize;
    return {
      tokens: encoding.tokens,
      typeIds: encoding.typeIds ?? encoding.ids.map(() => 0),
      cls: hidden.slice(0, C),
      mean: meanPooled(hidden, C),
      pooled: loaded.weights.pooler ? pooledOutput(loaded.weights, hidden) : undefined,
    };
  }

  tokenizer(): TextTokenizer {
    return this.requireSession().tokenizer;
  }

  /** The loaded model with its config and typed weights: the live values (the ONNX export reads them). */
  weights(): LoadedModel<unknown> {
    return this.requireSession().loaded;
  }

  private requireSession(): Session {
    if (!this.session) throw new Error('No model is loaded: pick one in the model panel or call playground.loadModel().');
    return this.session;
  }

  private async build(name: string, files: ModelFiles, tokenizer: TextTokenizer): Promise<Session> {
    const config = parseModelConfig(files.config);
    const memory = estimateMemory(config);
    if (this.gpu) {
      const problem = memoryProblem(memory, this.gpu.info.limits as { maxBufferSize: number });
      if (problem) throw new Error(problem);
    }
    const backend: Backend<unknown> = this.gpu ? (createGpuBackend(this.gpu) as Backend<Tensor> as Backend<unknown>) : createCpuBackend() as Backend<unknown>;
    const loaded = buildModel(backend, files);
    const { layers, heads, width } =
      loaded.modelType === 'gpt2'
        ? { layers: loaded.config.nLayer, heads: loaded.config.nHead, width: loaded.config.nEmbd }
        : { layers: loaded.config.numHiddenLayers, heads: loaded.config.numAttentionHeads, width: loaded.config.hiddenSize };
    const info: ModelInfo = { name, source: files.source, modelType: loaded.modelType, config: loaded.config, backend: backend.name, layers, heads, width, memory };
    return { info, files, loaded, tokenizer };
  }

  private async createGpu(): Promise<GpuOutcome> {
    const missing = webgpuMissingReason();
    if (missing) return { ok: false, reason: missing };
    try {
      const gpu = await Gpu.create({ gpu: navigator.gpu, onLost: (reason) => void this.recoverFromLoss(reason) });
      gpu.onBytesChanged((bytes) => this.callbacks?.onBytesChanged(bytes));
      this.gpu = gpu;
      if (this.session) this.session = await this.build(this.session.info.name, this.session.files, this.session.tokenizer);
      return { ok: true, info: gpu.info };
    } catch (error) {
      this.acquiring = undefined;
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, reason: /adapter/i.test(message) ? NO_ADAPTER_REASON : message };
    }
  }

  /** The device is gone: say so; the next acquireGpu() makes a new one and rebuilds the model from its files. */
  private async recoverFromLoss(reason: string) {
    this.gpu = undefined;
    this.acquiring = undefined;
    this.callbacks?.onLost(reason);
  }
}

function resolveSource(source: ModelSource, hubEndpoint: string): { name: string; source: FileSource } {
  if (Array.isArray(source)) return { name: 'local files', source: { kind: 'files', files: source } };
  const embedded = EMBEDDED_MODELS.find((model) => model.name === source);
  if (embedded) return { name: embedded.name, source: { kind: 'url', baseUrl: new URL(embedded.path, document.baseURI).href } };
  if (/^https?:\/\//.test(source)) return { name: source, source: { kind: 'url', baseUrl: source } };
  return { name: source, source: { kind: 'hub', id: source, endpoint: hubEndpoint } };
}

/** The model's own tokenizer.json, or its family's built-in tokenizer when the folder has none. */
async function tokenizerFor(files: ModelFiles): Promise<TextTokenizer> {
  if (files.tokenizer) return loadTokenizer(files.tokenizer);
  const family = parseModelConfig(files.config).family;
  return loadTokenizer(await fetchTokenizerJson(builtinTokenizerUrl(FAMILY_TOKENIZER[family])));
}

export const engine = new Engine();
