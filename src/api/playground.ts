import { useAppStore } from '../state/store';
import { engine, type FillMaskResult, type ForwardOptions, type ForwardResult, type ModelInfo, type SentenceEmbedding } from '../engine/engine';
import { EMBEDDED_MODELS } from '../engine/catalog';
import { resolveTokenizer, tokenizerClient } from '../engine/tokenizers';
import type { GenerateOptions } from '../engine/generate';
import { decodeArguments, type PlaygroundTokenizeOptions, tokenizeArguments } from '../tokenizers/arguments';
import type { DecodeOptions, Encoding } from '../tokenizers/tokenizer';
import { runDataFrom, type DataOptions, type DataSource } from '../finetune/dataInput';
import { examplesFromRows } from '../finetune/data/examples';
import type { FineTuneHandle } from '../finetune/handle';
import type { Classification } from '../finetune/run';
import type { FineTuneSettings } from '../state/fineTuneSlice';
import { createAttentionApi, currentView, type AttentionApi } from './attention';
import { compareWithOrt, type CompareResult } from '../onnx/engineComparison';
import { exportOnnx } from '../onnx/exportOnnx';
import type { OrtProvider } from '../onnx/ortSession';
import { traceArguments, traceIds, type PlaygroundTrace } from './trace';
import {
  loadModelArguments,
  compareArguments,
  exportOnnxArguments,
  fineTuneArguments,
  forwardArguments,
  generateArguments,
  sentenceArguments,
  checkText,
  loadedModelLimits,
  checkWeights,
} from './arguments';
import type { WeightChoice } from '../models/checkpoint';
import type { WeightFormat } from '../models/backend';

/**
 * `window.playground`: the page's automation API, a public contract documented in the README. Tests and users
 * script the page through it; it drives the same store and engine as the UI, so the page shows what it does.
 */
export interface PlaygroundApi extends AttentionApi {
  /**
   * Tokenizes with 'bert-base-uncased', 'gpt2', a Hub id (tokenizer.json, or vocab files converted as transformers
   * does) or a URL, in the tokenizer worker; options as transformers' call (pair, truncation, padding…).
   */
  tokenize(text: string, tokenizer: string, options?: PlaygroundTokenizeOptions): Promise<Encoding>;
  /** ids -> text as transformers' decode: skipSpecialTokens, cleanUpTokenizationSpaces (default: the tokenizer's). */
  decode(ids: number[], tokenizer: string, options?: DecodeOptions): Promise<string>;
  /** The embedded models, which work offline. */
  models(): { name: string; modelType: string; source: string }[];
  /** Loads an embedded model by name, a Hub id, an http(s) base URL, or a list of Files. `revision` and `token` (Hub
   *  ids) apply to this load only and take the place of the model panel's fields; `weights` (default: the panel's
   *  choice, 'auto') is how the matmul weights are stored: 'auto', 'f32', 'f16', 'q8' or 'q4'. */
  loadModel(source: string | File[], options?: { revision?: string; token?: string; weights?: WeightChoice }): Promise<LoadedModelSummary>;
  /**
   * Stores the loaded model's matmul weights as 'auto', 'f32', 'f16', 'q8' (8-bit) or 'q4' (4-bit), rebuilt from its
   * files; the choice also holds for later loads (the model panel's Weights field).
   */
  setWeights(weights: WeightChoice): Promise<LoadedModelSummary>;
  /** One forward pass of the loaded model: logits (T, V) and every layer's attention (H, T, T), row-major. */
  forward(ids: number[], options?: ForwardOptions): Promise<ForwardResult>;
  generate(prompt: string, options?: Omit<GenerateOptions, 'onToken' | 'onProbabilities' | 'signal'>): Promise<{ text: string; ids: number[] }>;
  fillMask(text: string): Promise<FillMaskResult>;
  /** The loaded model's forward on `ids` in onnxruntime-web (its exported graph) against ours: max abs differences, ms. */
  compareWithOrt(ids: number[], options?: { provider?: OrtProvider; tokenTypeIds?: number[] }): Promise<CompareResult>;
  /**
   * The loaded model as an ONNX graph (opset 17; logits and attentions.{layer} outputs): the bytes of a .onnx file.
   * `pastKeyValues` (decoders): KV-cache inputs and outputs. `weights` 'f32', 'q4' or 'q8' (default: as the engine
   * holds the model, f16 as f32): the matmul weights the engine packs in 4 / 8 bits, as onnxruntime's com.microsoft
   * MatMulNBits (runs in onnxruntime only).
   */
  exportOnnx(options?: { attentions?: boolean; pastKeyValues?: boolean; weights?: 'f32' | 'q4' | 'q8' }): Uint8Array;
  /** Every stage of one forward pass on `ids` as the How it works tab draws it, cut to `head` (default 0); `layer`: that block only. */
  trace(ids: number[], options?: { layer?: number; head?: number }): Promise<PlaygroundTrace>;
  /** BERT: [CLS], mean-pooled and pooler embeddings of a sentence or a sentence pair (token types 0 then 1). */
  embed(text: string, pair?: string): Promise<SentenceEmbedding>;
  /**
   * Fine-tunes the loaded model (or `options.model`): BERT sequence classification on a CSV / TSV / JSONL table
   * (text or File), or GPT-2 causal language modelling on plain text. The run also shows in the Fine-tune tab.
   */
  fineTune(request: { task: FineTuneSettings['task']; data: DataSource | LabelledRows; options?: Partial<FineTuneSettings> & DataOptions }): Promise<FineTuneHandle>;
  /** The run shown in the Fine-tune tab (started here, from the UI, or resumed after a reload), if any. */
  currentFineTune(): FineTuneHandle | undefined;
  /**
   * A sentence (or a pair) through the current classification run's classifier when there is one, else through the
   * loaded checkpoint's own sequence-classification head (its id2label names): the label and every probability.
   */
  classify(text: string, pair?: string): Promise<Classification>;
  /** Destroys the GPU device as a driver reset would, to see the page recover (tests); false without a device. */
  loseGpuDevice(): boolean;
}

/** What loadModel and setWeights resolve to: the model's type, its normalised config, and how its weights are stored. */
export interface LoadedModelSummary {
  modelType: string;
  config: ModelInfo['config'];
  /** What 'auto' resolved to, or the format asked for. */
  weights: WeightFormat;
  /** Bytes the weights take on the device in that format. */
  weightsBytes: number;
}

const summary = (info: ModelInfo): LoadedModelSummary => ({ modelType: info.modelType, config: info.config, weights: info.weights, weightsBytes: info.memory.weightsBytes });

/** Classification data given directly: label strings, numbers or booleans; `pair` on every row or none. */
export type LabelledRows = { text: string; pair?: string; label: string | number | boolean }[];


export function createPlaygroundApi(): PlaygroundApi {
  const hub = () => useAppStore.getState().hubEndpoint;
  return {
    tokenize: async (...args) => {
      const { text, tokenizer, options } = tokenizeArguments(...args);
      const { ids, tokens, offsets, special, typeIds, wordIds, attentionMask } = await tokenizerClient().tokenize(text, resolveTokenizer(tokenizer, hub()), options);
      return { ids, tokens, offsets, special, typeIds, wordIds, ...(attentionMask ? { attentionMask } : {}) };
    },
    decode: async (...args) => {
      const { ids, tokenizer, options } = decodeArguments(...args);
      return tokenizerClient().decode(ids, resolveTokenizer(tokenizer, hub()), options);
    },
    models: () => EMBEDDED_MODELS.map(({ name, modelType, path }) => ({ name, modelType, source: path })),
    loadModel: async (...args) => {
      const { source, ...options } = loadModelArguments(args[0], args[1]);
      const info = await useAppStore.getState().loadModel(source, options);
      if (info) return summary(info);
      const { modelStatus, modelError, model } = useAppStore.getState();
      if (modelStatus === 'error' && modelError) throw new Error(modelError);
      // No error of its own: a load started after this one replaced it (the store keeps the newer one's state).
      const newer = modelStatus === 'ready' && model ? ` (${model.name})` : '';
      throw new Error(`Loading ${Array.isArray(source) ? 'local files' : source} was replaced by a newer load${newer} before it finished.`);
    },
    setWeights: async (...args) => {
      const weights = checkWeights('setWeights', args[0]);
      if (!engine.model) throw new Error('setWeights: no model is loaded: load one first (the weights format then holds for later loads too).');
      const info = await useAppStore.getState().setWeightChoice(weights);
      if (!info) throw new Error('setWeights: a model is loading; call it again once the load has finished.');
      return summary(info);
    },
    forward: async (...args) => {
      const { ids, ...options } = forwardArguments(args[0], args[1], loadedModelLimits());
      return engine.forward(ids, options);
    },
    generate: async (...args) => {
      const { prompt, options } = generateArguments(args[0], args[1], loadedModelLimits());
      const { text, ids } = await engine.generate(prompt, options);
      return { text, ids };
    },
    fillMask: async (...args) => engine.fillMask(checkText('fillMask', args[0], 'the text')),
    compareWithOrt: async (...args) => {
      const { ids, provider, tokenTypeIds } = compareArguments(args[0], args[1], loadedModelLimits());
      return compareWithOrt(ids, { provider, tokenTypeIds });
    },
    exportOnnx: (...args) => exportOnnx(engine.loaded(), exportOnnxArguments(args[0])),
    trace: async (...args) => {
      const { ids, layer, head } = traceArguments(args[0], args[1]);
      return traceIds(ids, layer, head);
    },
    embed: async (...args) => {
      const { text, pair } = sentenceArguments('embed', args[0], args[1]);
      return engine.embed(text, pair);
    },
    fineTune: async (...args) => {
      const { task, data, dataOptions, settings } = fineTuneArguments(args[0]);
      const runData = typeof data === 'object' && 'rows' in data ? { task: 'classification' as const, ...examplesFromRows(data.rows) } : await runDataFrom(task, data, dataOptions);
      return useAppStore.getState().startFineTune(runData, { mode: task === 'classification' ? 'head' : 'full', ...settings, task });
    },
    currentFineTune: () => useAppStore.getState().fineTune?.handle,
    classify: async (...args) => {
      const { text, pair } = sentenceArguments('classify', args[0], args[1]);
      const active = useAppStore.getState().fineTune;
      if (active?.run.record.task === 'classification') return active.handle.classify(text, pair);
      if (engine.model?.capabilities.classifier) return engine.classify(text, pair);
      throw new Error(
        engine.model
          ? `classify: ${engine.model.name} has no trained classification head, and no classification run is in progress: load a *ForSequenceClassification checkpoint, or fine-tune one.`
          : 'classify: no model is loaded and no classification run is in progress: load a *ForSequenceClassification checkpoint, or fine-tune one.',
      );
    },
    loseGpuDevice: () => engine.simulateDeviceLoss(),
    ...createAttentionApi(),
    get view() {
      return currentView();
    },
  };
}

declare global {
  interface Window {
    playground: PlaygroundApi;
  }
}
