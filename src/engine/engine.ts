import { Gpu, type GpuInfo, type Tensor } from '../gpu';
import type { Backend } from '../models/backend';
import { buildModel, resolveWeights, type LoadedModel, type WeightChoice } from '../models/checkpoint';
import type { WeightFormat } from '../models/backend';
import { createCpuBackend } from '../models/cpuBackend';
import { createGpuBackend } from '../models/gpuBackend';
import type { MemoryEstimate, ModelConfig, ModelHeads } from '../models/family';
import { memoryProblem } from '../models/memory';
import { familyOf, parseModelConfig } from '../models/registry';
import { meanPooled } from '../models/pooling';
import type { TextTokenizer } from '../tokenizers/tokenizer';
import { loadModelFiles, type LoadProgress, type ModelFiles } from '../weights/sources';
import { resolveSource } from './catalog';
import { NO_ADAPTER_REASON, webgpuMissingReason } from './webgpuSupport';
import { generate, type GenerateOptions, type GenerateResult } from './generate';
import { fillMask, type MaskPredictions, type MlmLogitsAt } from './fillMask';
import { OperationQueue } from './queue';
import { tokenizerForModel } from './modelTokenizer';
import { softmaxRow } from '../common/softmax';
import { headView, traceKernels, withDispatchLog, type TraceView } from './trace';

export type { LoadProgress };
export type GpuOutcome = { ok: true; info: GpuInfo } | { ok: false; reason: string };

export interface LoadModelOptions {
  hubEndpoint: string;
  /** Hub models: a branch, tag, refs/pr/<number> or commit hash (default main); an id's own `@revision` wins. */
  revision?: string;
  /** Hub models: an access token for gated and private repos, sent only to the Hub endpoint's origin. */
  token?: string;
  /**
   * How the matmul weights are stored for inference: 'auto' (default) keeps them as the checkpoint has them (f16 for
   * an f16 checkpoint, else f32); 'f16', 'q8' and 'q4' pack them (kernels/matmul/packed.ref.ts). Fine-tuning, export
   * and the ORT cross-check read the checkpoint itself, in f32, whatever this is.
   */
  weights?: WeightChoice;
  onProgress?: (progress: LoadProgress) => void;
  /** What the model will hold on the device, as soon as its config.json arrives. */
  onEstimate?: (memory: MemoryEstimate) => void;
}

export interface GpuCallbacks {
  onLost: (reason: string) => void;
  /** Bytes held by live tensors, and bytes allocated on the device (live plus the pool's reserve). */
  onBytesChanged: (bytesInUse: number, bytesAllocated: number) => void;
}

/** An embedded model's name, a Hub id, an http(s) base URL, or local files. */
export type ModelSource = string | File[];

export interface ModelInfo {
  name: string;
  source: string;
  /** config.json's model_type ('gpt2', 'bert', …). */
  modelType: string;
  /** The family that reads it (its folder under src/models). */
  family: string;
  /** For people: 'GPT-2', 'BERT', … */
  familyLabel: string;
  kind: 'encoder' | 'decoder';
  config: ModelConfig;
  backend: 'webgpu' | 'cpu';
  layers: number;
  heads: number;
  /** Key/value heads (fewer than `heads` with grouped-query attention). */
  kvHeads: number;
  width: number;
  /** The heads this checkpoint has: language model (next token or masked LM), classifier, pooler. */
  capabilities: ModelHeads;
  /** How the matmul weights are stored on the device (what 'auto' resolved to). */
  weights: WeightFormat;
  /** fill-mask's token ('[MASK]', '<mask>'), encoders only. */
  maskToken?: string;
  memory: MemoryEstimate;
}

export interface ForwardResult {
  logits: Float32Array; // (T, V), or (T, C) last hidden states for an encoder without an LM head
  attentions: Float32Array[]; // (L) x (H, T, T)
  /** With `saveQkv`: each layer's q | k | v rows, (L) x (T, (H + 2·Hkv)·D), head h at columns h·D.. of each part. */
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
  /** Generation with the provider's own KV cache and a host sampler of the same semantics and random numbers. */
  generate?(promptIds: readonly number[], options: GenerateOptions & { contextLimit: number }): Promise<GenerateResult>;
}

export interface ForwardOptions {
  tokenTypeIds?: number[];
  saveQkv?: boolean;
  /** 'none': only the attentions (and q|k|v) are wanted, so no vocabulary projection runs; `logits` comes back empty. */
  logits?: 'all' | 'none';
}

export interface FillMaskResult {
  masks: { position: MaskPredictions['position']; predictions: { id: number; token: string; probability: number }[] }[];
}

export interface SentenceEmbedding {
  tokens: string[];
  typeIds: number[]; // 0 for sentence A, 1 for sentence B
  cls: Float32Array; // (C) last hidden state of the first token ([CLS], <s>)
  mean: Float32Array; // (C) mean of the last hidden states
  pooled?: Float32Array; // (C) tanh(dense(h[CLS])), when the checkpoint has a pooler
}

export interface ClassificationResult {
  label: string;
  probabilities: { label: string; probability: number }[];
}

export interface NextTokenRow {
  token: string;
  id: number;
  probability: number;
}

export type EngineGenerateOptions = Omit<GenerateOptions, 'onToken' | 'onProbabilities'> & {
  /** Generate on our WebGPU engine even in fast CPU mode (the attention views need its probabilities). */
  ours?: boolean;
  /** The generated text so far, after every new token. */
  onText?: (text: string) => void;
  /** The most likely next tokens at each step (with `topProbabilities` set). */
  onProbabilities?: (rows: NextTokenRow[]) => void;
};

/** A load that a newer load replaced before it finished. */
export class LoadSupersededError extends Error {
  constructor(name: string, by: string) {
    super(`Loading ${name} was replaced by a newer load (${by}).`);
  }
}

interface Session {
  info: ModelInfo;
  /** What was asked for (a rebuild after a lost device resolves it again). */
  weightChoice: WeightChoice;
  files: ModelFiles;
  loaded: LoadedModel<unknown>;
  tokenizer: TextTokenizer;
}

/** What one model may hold on the device in all: generous on a software adapter (system memory), as on a GPU. */
const DEVICE_BUDGET_BYTES = 4 * 2 ** 30;

/**
 * The engine behind the page: owns the GPU device and the loaded model. The UI reaches it through the store's
 * actions; `window.playground` through the same methods. Operations on the model run one at a time (a queue): a
 * forward pass asked for while a generation streams waits for it, so the KV cache is never shared.
 */
class Engine {
  gpu?: Gpu;
  private acquiring?: Promise<GpuOutcome>;
  private session?: Session;
  private loadGeneration = 0;
  private provider?: ForwardProvider;
  private callbacks?: GpuCallbacks;
  private readonly queue = new OperationQueue();

  /** Routes forward() and fill-mask to another engine (undefined: back to ours). */
  setForwardProvider(provider: ForwardProvider | undefined) {
    this.provider = provider;
  }

  get forwardEngine(): string {
    return this.provider?.name ?? this.session?.info.backend ?? 'webgpu';
  }

  acquireGpu(callbacks: GpuCallbacks): Promise<GpuOutcome> {
    this.callbacks = callbacks;
    this.acquiring ??= this.createGpu();
    return this.acquiring;
  }

  get model(): ModelInfo | undefined {
    return this.session?.info;
  }

  /** Operations waiting behind the one running (0 when idle). */
  get pendingOperations(): number {
    return this.queue.pending;
  }

  /**
   * Loads a model. The current one stays loaded and usable until the new one is fully built; a load that fails leaves
   * it in place. When another load starts before this one finishes, the newer one wins.
   */
  async loadModel(source: ModelSource, options: LoadModelOptions): Promise<ModelInfo> {
    const generation = ++this.loadGeneration;
    const resolved = resolveSource(source, options.hubEndpoint, options);
    this.latestLoadName = resolved.name;
    const download = new AbortController();
    let refusal: Error | undefined;
    const files = await loadModelFiles(resolved.source, {
      onProgress: options.onProgress,
      signal: download.signal,
      // The estimate and the check against the device come before the weights finish downloading: a refused config
      // aborts the other downloads at once.
      onConfig: (json) => {
        try {
          const config = parseModelConfig(json);
          const memory = familyOf(config).memory(config, undefined, options.weights === 'auto' ? undefined : options.weights);
          options.onEstimate?.(memory);
          const problem = this.deviceProblem(memory);
          if (problem) throw new Error(problem);
        } catch (error) {
          refusal = error instanceof Error ? error : new Error(String(error));
          download.abort(refusal);
          throw refusal;
        }
      },
    }).catch((error: unknown) => {
      throw refusal ?? error;
    });
    const superseded = () => generation !== this.loadGeneration;
    if (superseded()) throw new LoadSupersededError(resolved.name, this.latestLoadName);
    const { tokenizer } = await tokenizerForModel(files);
    await this.acquiring; // a model loaded while the adapter is still being looked for goes to the GPU
    if (superseded()) throw new LoadSupersededError(resolved.name, this.latestLoadName);
    const session = this.build(resolved.name, files, tokenizer, options.weights ?? 'auto');
    if (superseded()) {
      session.loaded.model.dispose();
      throw new LoadSupersededError(resolved.name, this.latestLoadName);
    }
    // Swap between operations: nothing running uses the old model when it is disposed.
    await this.queue.run(async () => {
      const previous = this.session;
      this.session = session;
      previous?.loaded.model.dispose();
      this.gpu?.trim();
    });
    await this.compileAhead(session);
    return session.info;
  }

  /**
   * On a hardware GPU: a dry run of a one-token and a 16-token forward (the decode step's matrix-vector kernels and a
   * prompt's split-K ones) compiles their pipelines at load, asynchronously and in parallel, so the first real
   * forward does not wait for them one by one. Skipped on software adapters, where compiling ahead bought nothing
   * (README, "Benchmark") and would only compete with the page for the CPU. A pipeline that fails here fails again,
   * with its message, where it is used.
   */
  private async compileAhead(session: Session): Promise<void> {
    if (!this.gpu || this.gpu.info.isSoftwareAdapter || session.info.backend !== 'webgpu') return;
    await this.queue.run(async () => {
      if (this.session !== session) return;
      const { model, config } = session.loaded;
      const lm = session.info.capabilities.lm;
      const lengths = [...new Set([1, Math.min(16, config.dims.P)])];
      try {
        await model.backend.compileAhead(async () => {
          for (const T of lengths) {
            model.resetCache();
            await model.forward({ ids: new Array<number>(T).fill(0) }, { logits: lm ? 'last' : 'none', hidden: !lm });
          }
        });
      } catch {
        // reported where the pipeline is used
      } finally {
        model.resetCache();
      }
    });
  }

  private latestLoadName = '';

  /**
   * Stores the loaded model's matmul weights in another format ('auto', f32, f16, q8, q4), rebuilt from the files it
   * was loaded from (nothing is downloaded again). If the rebuild fails, the model stays as it was.
   */
  async setWeights(choice: WeightChoice): Promise<ModelInfo> {
    const info = await this.queue.run(async () => {
      const { info, files, tokenizer, loaded } = this.requireSession();
      const session = this.build(info.name, files, tokenizer, choice);
      this.session = session;
      loaded.model.dispose();
      this.gpu?.trim();
      return session.info;
    });
    await this.compileAhead(this.requireSession());
    return info;
  }

  forward(ids: number[], options: ForwardOptions = {}): Promise<ForwardResult> {
    return this.queue.run(async () => {
      const { loaded, info } = this.requireSession();
      const { saveQkv } = options;
      // Token types only where the model has them (a pair's encoding carries them for every family).
      const tokenTypeIds = info.config.dims.typeVocabSize > 0 ? options.tokenTypeIds : undefined;
      if (this.provider && !saveQkv) return { ...(await this.provider.forward(ids, tokenTypeIds)), engine: this.provider.name };
      const { model } = loaded;
      model.resetCache();
      const lm = info.capabilities.lm;
      const wanted = options.logits !== 'none';
      const result = await model.forward({ ids, tokenTypeIds }, { logits: lm && wanted ? 'all' : 'none', hidden: !lm && wanted, saveAttention: true, saveQkv });
      model.resetCache();
      const logits = wanted ? (lm ? result.logits : result.hidden)! : new Float32Array(0);
      return { logits, attentions: result.attentions!, qkv: result.qkv, engine: model.backend.name };
    });
  }

  /**
   * Generates a continuation of `prompt`. In fast CPU mode (a forward provider with generation) it runs there, with the
   * same sampler and random numbers (and the same next-token table), unless attention is asked for (ours alone reads
   * it back per step); `engine` says which ran.
   */
  generate(prompt: string, options: EngineGenerateOptions = {}): Promise<GenerateResult & { text: string; engine: string }> {
    return this.queue.run(async () => {
      const { loaded, tokenizer, info } = this.requireSession();
      if (info.kind !== 'decoder') throw new Error(`Text generation needs a decoder (GPT-2 and its relatives); the loaded model is ${info.familyLabel}, an encoder.`);
      const promptIds = tokenizer.encode(prompt).ids;
      const eos = loaded.config.special.eos;
      const produced: number[] = [];
      const common: GenerateOptions = {
        stopIds: eos === null ? [] : [eos],
        ...options,
        onToken: (id) => {
          produced.push(id);
          options.onText?.(tokenizer.decode(produced));
        },
        onProbabilities: (_step, top) =>
          options.onProbabilities?.(top.ids.map((id, i) => ({ id, token: tokenizer.decode([id]), probability: top.probs[i] }))),
      };
      const provider = this.provider;
      const onProvider = provider?.generate && !options.ours && !options.onAttention;
      const result = onProvider
        ? await provider.generate!(promptIds, { ...common, contextLimit: loaded.config.dims.P })
        : await generate(loaded.model, promptIds, common);
      return { ...result, text: tokenizer.decode(result.ids), engine: onProvider ? provider.name : loaded.model.backend.name };
    });
  }

  fillMask(text: string, k = 5): Promise<FillMaskResult> {
    return this.queue.run(async () => {
      const { loaded, tokenizer, info } = this.requireSession();
      if (info.kind !== 'encoder' || !info.maskToken) throw new Error(`Fill-mask needs an encoder with a masked-LM head; the loaded model is ${info.familyLabel}, a decoder.`);
      if (!info.capabilities.lm) throw new Error('This checkpoint has no masked-language-model head: load a *ForMaskedLM checkpoint.');
      const maskId = tokenizer.tokenToId(info.maskToken);
      if (maskId === undefined) throw new Error(`This tokenizer has no ${info.maskToken} token.`);
      const V = loaded.config.dims.V;
      const provider = this.provider;
      const logitsAt: MlmLogitsAt = provider
        ? async (ids, positions) => {
            const { logits } = await provider.forward(ids);
            const rows = new Float32Array(positions.length * V);
            positions.forEach((position, r) => rows.set(logits.subarray(position * V, (position + 1) * V), r * V));
            return rows;
          }
        : async (ids, positions) => (await loaded.model.forward({ ids }, { logits: positions })).logits!;
      const masks = await fillMask(logitsAt, V, tokenizer.encode(text).ids, maskId, k, info.maskToken);
      return {
        masks: masks.map((mask) => ({
          ...mask,
          predictions: mask.predictions.map((p) => ({ ...p, token: tokenizer.idToToken(p.id) ?? String(p.id) })),
        })),
      };
    });
  }

  /** Sentence (or sentence-pair) embeddings of an encoder: the first token's hidden state, the mean, the pooler output. */
  embed(text: string, pair?: string): Promise<SentenceEmbedding> {
    return this.queue.run(async () => {
      const { loaded, tokenizer, info } = this.requireSession();
      if (info.kind !== 'encoder') throw new Error(`Sentence embeddings need an encoder; the loaded model is ${info.familyLabel}, a decoder.`);
      const encoding = pair === undefined ? tokenizer.encode(text) : tokenizer.encodePair(text, pair);
      const typeIds = loaded.config.dims.typeVocabSize > 1 ? encoding.typeIds : undefined;
      const { hidden, pooled } = await loaded.model.forward({ ids: encoding.ids, tokenTypeIds: typeIds }, { hidden: true, pooled: info.capabilities.pooler });
      const C = loaded.config.dims.C;
      return { tokens: encoding.tokens, typeIds: encoding.typeIds, cls: hidden!.slice(0, C), mean: meanPooled(hidden!, C), pooled };
    });
  }

  /** The checkpoint's own sequence-classification head on a sentence (or a pair), with its id2label names. */
  classify(text: string, pair?: string): Promise<ClassificationResult> {
    return this.queue.run(async () => {
      const { loaded, tokenizer, info } = this.requireSession();
      if (!info.capabilities.classifier) throw new Error(`${info.name} has no trained classification head (load a *ForSequenceClassification checkpoint, or fine-tune one).`);
      const encoding = pair === undefined ? tokenizer.encode(text) : tokenizer.encodePair(text, pair);
      const typeIds = loaded.config.dims.typeVocabSize > 1 ? encoding.typeIds : undefined;
      const { classLogits } = await loaded.model.forward({ ids: encoding.ids, tokenTypeIds: typeIds }, { classify: true });
      const { id2label } = loaded.config.labels;
      const probabilities = Array.from(softmaxRow(classLogits!), (probability, id) => ({ label: id2label[id] ?? `LABEL_${id}`, probability }));
      const best = probabilities.reduce((a, b) => (b.probability > a.probability ? b : a));
      return { label: best.label, probabilities };
    });
  }

  /**
   * Every stage of one forward pass on `ids` for the walkthrough, cut to `head` (default 0): the engine's own numbers,
   * read where the kernels wrote them (layers limited to `layers` when given; the logit lens at `lensPosition`, default
   * the last token).
   */
  trace(ids: number[], options: { head?: number; layers?: number[]; lensPosition?: number; tokenTypeIds?: number[]; kernels?: boolean } = {}): Promise<TraceView> {
    return this.queue.run(async () => {
      const { loaded, info } = this.requireSession();
      const { model, config } = loaded;
      const tokenTypeIds = config.dims.typeVocabSize > 0 ? options.tokenTypeIds : undefined;
      model.resetCache();
      const lm = info.capabilities.lm;
      const traced = () =>
        model.forward({ ids, tokenTypeIds }, {
          logits: lm ? 'all' : 'none',
          hidden: !lm,
          trace: { layers: options.layers, lensPosition: options.lensPosition },
        });
      // With `kernels`, the recording is watched: which WGSL dispatches computed each stage, and their GPU times.
      const { result, log } = options.kernels ? await withDispatchLog(this.gpu, model.backend, traced) : { result: await traced(), log: undefined };
      model.resetCache();
      const causal = info.kind === 'decoder';
      const logits = (lm ? result.logits : result.hidden)!;
      const kernels = log && traceKernels(log, result.trace!, logits, config.dims.prenorm);
      return headView(result.trace!, config.dims, ids.length, options.head ?? 0, logits, (i, j) => !causal || j <= i, { architecture: model.architecture, kernels });
    });
  }

  tokenizer(): TextTokenizer {
    return this.requireSession().tokenizer;
  }

  /** The loaded model with its family, config and checkpoint (the ONNX export reads them). */
  loaded(): LoadedModel<unknown> {
    return this.requireSession().loaded;
  }

  /** The loaded model's files (fine-tuning starts from them). */
  files(): ModelFiles {
    return this.requireSession().files;
  }

  private requireSession(): Session {
    if (!this.session) throw new Error('No model is loaded: pick one in the model panel or call playground.loadModel().');
    return this.session;
  }

  private deviceProblem(memory: MemoryEstimate): string | undefined {
    if (!this.gpu) return undefined;
    return memoryProblem(memory, { maxBufferSize: this.gpu.info.limits.maxBufferSize, budgetBytes: DEVICE_BUDGET_BYTES });
  }

  private build(name: string, files: ModelFiles, tokenizer: TextTokenizer, weightChoice: WeightChoice): Session {
    const config = parseModelConfig(files.config);
    const family = familyOf(config);
    const weights = resolveWeights(weightChoice, files.weights);
    const memory = family.memory(config, undefined, weights);
    const problem = this.deviceProblem(memory);
    if (problem) throw new Error(problem);
    const backend: Backend<unknown> = this.gpu
      ? (createGpuBackend(this.gpu, 'forward', { weights }) as Backend<Tensor> as Backend<unknown>)
      : (createCpuBackend({ weights }) as Backend<unknown>);
    const loaded = buildModel(backend, files);
    const { dims } = config;
    const info: ModelInfo = {
      name,
      source: files.source,
      modelType: config.modelType,
      family: family.id,
      familyLabel: family.label,
      kind: family.kind,
      config,
      backend: backend.name,
      layers: dims.L,
      heads: dims.H,
      kvHeads: dims.Hkv,
      width: dims.C,
      capabilities: loaded.model.heads,
      weights,
      maskToken: family.maskToken,
      memory,
    };
    return { info, weightChoice, files, loaded, tokenizer };
  }

  private async createGpu(): Promise<GpuOutcome> {
    const missing = webgpuMissingReason();
    if (missing) return { ok: false, reason: missing };
    try {
      const gpu = await Gpu.create({ gpu: navigator.gpu, onLost: (reason) => void this.recoverFromLoss(reason) });
      gpu.onBytesChanged((inUse, allocated) => this.callbacks?.onBytesChanged(inUse, allocated));
      this.gpu = gpu;
      if (this.session) {
        const { info, files, tokenizer, weightChoice } = this.session;
        await this.queue.run(async () => {
          const previous = this.session;
          this.session = this.build(info.name, files, tokenizer, weightChoice);
          previous?.loaded.model.dispose();
        });
      }
      return { ok: true, info: gpu.info };
    } catch (error) {
      this.acquiring = undefined;
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, reason: /adapter/i.test(message) ? NO_ADAPTER_REASON : message };
    }
  }

  /**
   * Destroys the GPU device as a driver reset would (tests of recovery): `device.lost` fires, calls in flight reject
   * with a DeviceLostError, and the page reconnects as after a real loss.
   */
  simulateDeviceLoss(): boolean {
    if (!this.gpu) return false;
    this.gpu.device.destroy();
    return true;
  }

  /** The device is gone: say so; the next acquireGpu() makes a new one and rebuilds the model from its files. */
  private async recoverFromLoss(reason: string) {
    this.gpu = undefined;
    this.acquiring = undefined;
    this.callbacks?.onLost(reason);
  }
}

export const engine = new Engine();
