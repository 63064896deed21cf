// What a model family is: everything that differs between architectures, behind one interface. The registry
// (registry.ts) maps a config.json to its family; the engine, the attention views, fine-tuning, ONNX export and the UI
// only ever talk to these types. A family lives in its own folder (src/models/<family>/) and composes the shared
// architectures (src/models/encoder: post-LN encoders; src/models/decoder: pre-norm decoders).
//
// Legend (llm.c's): L layers, C channels (hidden size), H attention heads, Hkv key/value heads (H unless grouped-query),
// D head size, F feed-forward inner size, V vocabulary, P longest sequence (positions).

import type { Gpu } from '../gpu';
import type { HostTensor } from '../weights/host-tensor';
import type { TensorSource } from '../weights/tensor-source';
import type { Backend } from './backend';
import type { WeightFormat } from '../kernels/matmul/packed.ref';
import type { ConfigFields } from './configFields';
import type { GraphBuilder } from './onnx/graphBuilder';
import type { TrainGraph, TrainGraphOptions } from './training/graph';

/** The dimensions and choices of an architecture, as every family normalises its own config.json field names. */
export interface ModelDims {
  L: number;
  C: number;
  H: number;
  Hkv: number;
  D: number;
  F: number;
  V: number;
  P: number;
  eps: number;
  /** The feed-forward network's activation. */
  activation: 'gelu_erf' | 'gelu_tanh' | 'relu' | 'silu';
  /** How position enters: a learned table, a fixed sinusoidal table, or rotary embeddings on q and k. */
  positions: 'learned' | 'sinusoidal' | 'rotary';
  norm: 'layernorm' | 'rmsnorm';
  /** Pre-norm blocks (GPT-2, NeoX, Llama) or post-norm (BERT and its relatives). */
  prenorm: boolean;
  /** Token type (segment) embeddings: BERT's 2, RoBERTa's 1, none (0) for most. */
  typeVocabSize: number;
}

export interface ClassLabels {
  id2label: Record<number, string>;
  label2id: Record<string, number>;
  numLabels: number;
}

/** A config.json as a family understands it. Families extend this with their own fields. */
export interface ModelConfig {
  /** The family's id (its folder name): 'bert', 'gpt2', … */
  family: string;
  /** config.json's model_type, as written. */
  modelType: string;
  architectures: string[];
  dims: ModelDims;
  labels: ClassLabels;
  special: { bos: number | null; eos: number | null; pad: number | null };
  raw: Record<string, unknown>;
}

/** What one forward pass reads. Encoders take token types and a padding mask; decoders continue their KV cache. */
export interface ForwardInput {
  ids: readonly number[]; // (T)
  tokenTypeIds?: readonly number[]; // (T)
  attentionMask?: readonly number[]; // (T) 1 = token, 0 = padding
}

export interface SamplingOptions {
  temperature: number; // 0 = greedy
  topK: number; // 0 = no limit
  topP: number; // 1 = no limit
  uniform: number; // a uniform random number in [0, 1)
}

export interface ForwardOptions {
  /** Each layer's attention probabilities, (L) x (H, T, Tk). */
  saveAttention?: boolean;
  /** Each layer's q | k | v rows after any rotation, (L) x (Tk, (H + 2·Hkv)·D). */
  saveQkv?: boolean;
  /**
   * The language-model head's logits (decoders: next token; encoders: masked LM): at every new position, only the
   * last, none, or these positions. Default 'none'.
   */
  logits?: 'all' | 'last' | 'none' | readonly number[];
  /** Read back the last hidden states, (T, C) (decoders: after the final norm). */
  hidden?: boolean;
  /** The sequence-classification head's logits on the first token, (numLabels). */
  classify?: boolean;
  /** The pooler output (BERT's tanh(dense(h[CLS]))), (C). */
  pooled?: boolean;
  /** Pick the next token from the last position's logits on the backend (only the id comes back). */
  sample?: SamplingOptions;
  /** Also return the k most probable next tokens of the last position. */
  topK?: number;
  /** Every stage's tensor, for the walkthrough ("How it works") and playground.trace. */
  trace?: TraceRequest;
}

export interface TraceRequest {
  /** Layers whose stages come back (default: every layer). */
  layers?: readonly number[];
  /** The position whose logit lens (the final norm and LM head applied to each layer's output) is computed; default the last. */
  lensPosition?: number;
}

/** One block's stages on one forward, the engine's own numbers read where the kernels wrote them. */
export interface LayerTrace {
  input: Float32Array; // (T, C) the residual stream entering the block
  normed: Float32Array; // (T, C) norm1(input) in pre-norm blocks; the input itself in post-LN encoders
  qkv: Float32Array; // (T, (H + 2·Hkv)·D) q | k | v as attention multiplies them (after rotary, where there is one)
  probs: Float32Array; // (H, T, Tk) softmax(q·kᵀ/√D + mask)
  mixed: Float32Array; // (T, H·D) each head's probs · v, side by side (before the output projection)
  attnOut: Float32Array; // (T, C) the output projection of `mixed`
  residual1: Float32Array; // (T, C) input + attnOut (post-LN: its LayerNorm; parallel residual: before the MLP is added)
  ffnHidden: Float32Array; // (T, F) the feed-forward hidden layer after its activation (SwiGLU: silu(gate) · up)
  ffnOut: Float32Array; // (T, C)
  residual2: Float32Array; // (T, C) the block's output
  /** (V) the logit lens at `lensPosition`: what the model would predict from this layer's output. */
  lens?: Float32Array;
}

export interface ForwardTrace {
  embeddings: {
    token: Float32Array; // (T, C) rows of the token embedding table
    position?: Float32Array; // (T, C) rows of a learned or sinusoidal position table (rotary models have none)
    tokenType?: Float32Array; // (T, C) rows of the token-type table
    sum: Float32Array; // (T, C) their sum, as the embedding kernel wrote it
    normed?: Float32Array; // (T, C) post-LN encoders: the embedding LayerNorm's output (layer 0's input)
  };
  layers: (LayerTrace | undefined)[]; // (L), undefined where not asked for
  final: { normed: Float32Array }; // (T, C) decoders: the final norm's output; encoders: the last layer's output
  lensPosition: number;
}

export interface ForwardResult {
  logits?: Float32Array; // (rows, V)
  hidden?: Float32Array; // (T, C)
  attentions?: Float32Array[]; // (L) x (H, T, Tk)
  qkv?: Float32Array[]; // (L) x (Tk, (H + 2·Hkv)·D)
  classLogits?: Float32Array; // (numLabels)
  pooled?: Float32Array; // (C)
  nextId?: number;
  top?: { ids: number[]; probs: number[] };
  trace?: ForwardTrace;
}

/** The heads a loaded checkpoint has. */
export interface ModelHeads {
  /** A language-model head: next-token logits (decoders) or masked-LM logits (encoders). */
  lm: boolean;
  /** A trained sequence-classification head. */
  classifier: boolean;
  /** A pooler (BERT's tanh(dense(h[CLS]))). */
  pooler: boolean;
}

/** A model on a backend, family-independent. */
/** What differs in a model's forward beyond its dims, as the walkthrough draws it. */
export interface ModelArchitecture {
  /** Rotary position embeddings: the first `dim` dimensions of each head rotate, at angles position/scale · base^(−2i/dim). */
  rotary?: { dim: number; base: number; scale: number };
  /** GPT-NeoX: x + attn(ln1 x) + mlp(ln2 x), both branches reading the block's input. */
  parallelResidual: boolean;
  /** 'gelu': out(act(in(x))) with the dims' activation; 'swiglu': down(silu(gate(x)) · up(x)). */
  mlp: 'gelu' | 'swiglu';
  /** Encoders: position t is t ('from-zero'), or paddingIdx + 1 + t for a text without padding (RoBERTa's 'after-padding'). */
  positionIds: 'from-zero' | 'after-padding';
  paddingIdx: number;
}

export interface LanguageModel<Buf = unknown> {
  readonly config: ModelConfig;
  readonly backend: Backend<Buf>;
  readonly heads: ModelHeads;
  readonly architecture: ModelArchitecture;
  /** Positions held in the KV cache (decoders); always 0 for encoders. */
  readonly cacheLength: number;
  /** Forgets the cached positions: the next forward starts a new sequence. */
  resetCache(): void;
  /** Keeps only the first `length` cached positions (decoders): the next forward continues from there. */
  truncateCache(length: number): void;
  /** Decoders run `ids` at positions [cacheLength, cacheLength + T) and append them to the cache. */
  forward(input: ForwardInput, options?: ForwardOptions): Promise<ForwardResult>;
  /** The parameters in the checkpoint's layout and Hugging Face's names (from the device, for export). */
  readTensors(): Promise<HostTensor[]>;
  /** Frees what the model owns (parameters it was handed by a training graph stay). */
  dispose(): void;
}

/** What a model will hold on the device, from its config, before anything is downloaded or allocated. */
export interface MemoryEstimate {
  weightsBytes: number;
  /** Decoders: the KV cache for the full context; encoders: none. */
  cacheBytes: number;
  /** Activations of one forward pass at the longest input, attention probabilities included. */
  activationBytes: number;
  totalBytes: number;
  /** The largest single buffer (the embedding table, usually). */
  largestBufferBytes: number;
}

export type TrainingTask = 'classification' | 'causal-lm';

export interface GraphOptions {
  /** Add every layer's attention probabilities as outputs `attentions.{layer}`. */
  attentions: boolean;
  /** Decoders: KV-cache inputs and outputs (past_key_values.* / present.*). */
  pastKeyValues?: boolean;
  /**
   * How the matmul weights the engine packs are exported (default 'f32'): 'q4' / 'q8' as onnxruntime's
   * com.microsoft MatMulNBits (4 or 8 bits, blocks of 32 along K), the values the engine computes with in that format.
   */
  weights?: GraphWeights;
}

/** The weight formats an ONNX export writes (kernels/matmul/packed.ref.ts; f16 has no MatMulNBits form). */
export type GraphWeights = 'f32' | 'q4' | 'q8';

/** What training every parameter will hold on the device, computed from the same shapes the graph allocates. */
export interface TrainingMemory {
  weightsBytes: number;
  gradientBytes: number;
  optimizerBytes: number; // AdamW m and v
  activationBytes: number;
  totalBytes: number;
  largestBufferBytes: number;
}

/**
 * The classification head trained alone on the host in "head only" mode: logits = out(act(dense(h[first token]))).
 * BERT: pooler (tanh) + classifier; DistilBERT: pre_classifier (ReLU) + classifier; RoBERTa: classifier.dense (tanh) +
 * classifier.out_proj.
 */
export interface HostClassifierHead {
  dense: { weight: HostTensor; bias: HostTensor }; // (C, C), (C)
  activation: 'tanh' | 'relu';
  out: { weight: HostTensor; bias: HostTensor }; // (numLabels, C), (numLabels)
}

export interface ModelFamily<Cfg extends ModelConfig = ModelConfig> {
  /** Folder name and ModelConfig.family: 'bert', 'gpt2', … */
  id: string;
  /** For people: 'BERT', 'GPT-2', … */
  label: string;
  /** config.json model_type values this family reads. */
  modelTypes: readonly string[];
  kind: 'encoder' | 'decoder';
  /** Real Hub ids of this family the model panel suggests. */
  hubSuggestions: readonly string[];
  /** The token fill-mask looks for ('[MASK]', '<mask>'); encoders only. */
  maskToken?: string;
  /** The app's built-in tokenizer ('gpt2', 'bert-base-uncased') for a folder without tokenizer files, if its vocabulary fits. */
  builtinTokenizer?: string;
  /** What fine-tuning every parameter can learn. */
  trainingTasks: readonly TrainingTask[];

  /** Normalises config.json into dims; throws a WeightsError naming the field for anything unsupported or out of bounds. */
  parseConfig(fields: ConfigFields): Cfg;
  /** Builds the model from a checkpoint: reads (and checks) every tensor, uploads them to the backend one by one. */
  createModel<Buf>(backend: Backend<Buf>, config: Cfg, source: TensorSource): LanguageModel<Buf>;
  /** The checkpoint's heads, from its tensor names (before any upload). */
  heads(config: Cfg, source: TensorSource): ModelHeads;
  /**
   * Device memory for inference at T tokens (default: the longest input), from the shapes the model allocates, with
   * its matmul weights stored in `weights` (default f32).
   */
  memory(config: Cfg, T?: number, weights?: WeightFormat): MemoryEstimate;
  /** The ONNX graph of the model (opset 17, standard operators), its initializers under Hugging Face's names. */
  onnxGraph(config: Cfg, source: TensorSource, options: GraphOptions): GraphBuilder;
  /** A training graph over every parameter, initialised from the checkpoint. */
  trainGraph(gpu: Gpu, config: Cfg, source: TensorSource, options: TrainGraphOptions): TrainGraph;
  /** Training memory at B sequences of T tokens, from the shapes the graph allocates. */
  trainingMemory(config: Cfg, task: TrainingTask, B: number, T: number, numLabels: number): TrainingMemory;
  /** The classification head as host tensors for head-only training (fresh N(0, std) where the checkpoint has none). */
  classifierHead?(config: Cfg, source: TensorSource, numLabels: number, seed: number): HostClassifierHead;
  /** The whole model under Hugging Face's names with a head trained alone in place (the masked-LM head left out). */
  withClassifierHead?(config: Cfg, source: TensorSource, head: HostClassifierHead): HostTensor[];
  /** Hugging Face's class name of the model a fine-tuning task produces ('BertForSequenceClassification', …). */
  architectureFor(task: TrainingTask): string;
}
