// The post-LayerNorm encoder shared by BERT, DistilBERT and RoBERTa (Devlin et al. 2018; Sanh et al. 2019; Liu et al.
// 2019): what differs between them (names, position ids, token types, head activations) is resolved by each family
// into an EncoderSpec and a parameter struct; this file describes that struct once, as shapes.
//
// Fields carry BERT's names (in comments); every weight is a torch Linear (out, in): matmul layout `nk`.

import type { ModelDims } from '../family';
import type { MatmulWeights } from '../params';

export interface EncoderSpec {
  /**
   * positions: 'learned' or 'sinusoidal' (a fixed table, not trained); P: the longest input, in tokens (the position
   * table has positionRows(spec) rows); activation: the FFN's.
   */
  dims: ModelDims;
  /**
   * Position ids: 'from-zero' gives token t position t (BERT, DistilBERT); 'after-padding' gives real tokens
   * paddingIdx + 1, + 2, … and padding tokens paddingIdx (RoBERTa's create_position_ids_from_input_ids).
   */
  positionIds: 'from-zero' | 'after-padding';
  paddingIdx: number;
  /** Builds the position table, (rows, C), for a checkpoint that does not store it (DistilBERT's sinusoidal one). */
  positionTable?: (rows: number, C: number) => Float32Array;
  /** The classification head's hidden activation: tanh (BERT's pooler, RoBERTa's classifier.dense) or ReLU (DistilBERT). */
  headActivation: 'tanh' | 'relu';
  /** The masked-LM transform's activation. */
  mlmActivation: 'gelu_erf' | 'gelu_tanh' | 'relu';
}

export interface EncoderLayer<T> {
  qkvWeight: T; qkvBias: T; // (3C, C), (3C): attention.self.{query,key,value} stacked as rows
  attnOutWeight: T; attnOutBias: T; // (C, C), (C): attention.output.dense
  attnLnWeight: T; attnLnBias: T; // (C): attention.output.LayerNorm
  ffnInWeight: T; ffnInBias: T; // (F, C), (F): intermediate.dense
  ffnOutWeight: T; ffnOutBias: T; // (C, F), (C): output.dense
  outLnWeight: T; outLnBias: T; // (C): output.LayerNorm
}

export interface EncoderParams<T> {
  wordEmbeddings: T; // (V, C)
  positionEmbeddings: T; // (P, C)
  tokenTypeEmbeddings?: T; // (TV, C), absent when the family has no token types
  embeddingsLnWeight: T; embeddingsLnBias: T; // (C)
  layers: EncoderLayer<T>[]; // (L)
  /** Masked-LM head: dense -> GELU -> LayerNorm -> decoder (tied to wordEmbeddings unless stored) + bias. */
  mlm?: {
    denseWeight: T; denseBias: T; // (C, C), (C): cls.predictions.transform.dense
    lnWeight: T; lnBias: T; // (C): cls.predictions.transform.LayerNorm
    decoderWeight?: T; // (V, C), only when untied
    bias: T; // (V): cls.predictions.bias
  };
  /** BERT's pooler, tanh(dense(h[CLS])): the sentence embedding, and BERT's classification hidden layer. */
  pooler?: { weight: T; bias: T }; // (C, C), (C)
  /** Classification: out(act(dense(h[first]))). `dense` is absent where the pooler serves as it (BERT). */
  classifier?: {
    denseWeight?: T; denseBias?: T; // (C, C), (C)
    outWeight: T; outBias: T; // (numLabels, C), (numLabels)
  };
}

/** Which optional parts a checkpoint (or a training graph) has. */
export interface EncoderParts {
  mlm: boolean;
  mlmDecoder: boolean; // an untied decoder weight
  pooler: boolean;
  /** 0: no classifier; else its number of labels. */
  numLabels: number;
  /** The classifier has its own dense layer (DistilBERT, RoBERTa), else it reads the pooler (BERT). */
  classifierDense: boolean;
}

/**
 * Rows of the position table: P, or P + paddingIdx + 1 when positions count from after the padding id (RoBERTa's
 * max_position_embeddings 514 for 512 tokens).
 */
export function positionRows(spec: EncoderSpec): number {
  return spec.positionIds === 'after-padding' ? spec.dims.P + spec.paddingIdx + 1 : spec.dims.P;
}

/**
 * The weights that may be packed (f16, 8/4-bit), all (out, in): the layers' four products and the word table (V, C),
 * which the embedding lookup reads packed too (so the tied MLM decoder is packed with it).
 */
export const encoderMatmulWeights: MatmulWeights = (path) =>
  path === 'wordEmbeddings' || /^layers\.\d+\.(qkv|attnOut|ffnIn|ffnOut)Weight$/.test(path) ? 'nk' : undefined;

/** The struct's shapes: the schema of every map over it, and what the memory estimates sum. */
export function encoderShapes(spec: EncoderSpec, parts: EncoderParts): EncoderParams<number[]> {
  const { C, F, V, L, typeVocabSize: TV } = spec.dims;
  const layer = (): EncoderLayer<number[]> => ({
    qkvWeight: [3 * C, C], qkvBias: [3 * C],
    attnOutWeight: [C, C], attnOutBias: [C],
    attnLnWeight: [C], attnLnBias: [C],
    ffnInWeight: [F, C], ffnInBias: [F],
    ffnOutWeight: [C, F], ffnOutBias: [C],
    outLnWeight: [C], outLnBias: [C],
  });
  return {
    wordEmbeddings: [V, C],
    positionEmbeddings: [positionRows(spec), C],
    tokenTypeEmbeddings: TV > 0 ? [TV, C] : undefined,
    embeddingsLnWeight: [C], embeddingsLnBias: [C],
    layers: Array.from({ length: L }, layer),
    mlm: parts.mlm
      ? { denseWeight: [C, C], denseBias: [C], lnWeight: [C], lnBias: [C], decoderWeight: parts.mlmDecoder ? [V, C] : undefined, bias: [V] }
      : undefined,
    pooler: parts.pooler ? { weight: [C, C], bias: [C] } : undefined,
    classifier: parts.numLabels > 0
      ? {
          denseWeight: parts.classifierDense ? [C, C] : undefined,
          denseBias: parts.classifierDense ? [C] : undefined,
          outWeight: [parts.numLabels, C], outBias: [parts.numLabels],
        }
      : undefined,
  };
}

/** Position ids of one sequence (T) as the spec says. */
export function encoderPositionIds(spec: EncoderSpec, ids: readonly number[]): number[] {
  if (spec.positionIds === 'from-zero') return ids.map((_, t) => t);
  let real = 0;
  return ids.map((id) => (id === spec.paddingIdx ? spec.paddingIdx : spec.paddingIdx + ++real));
}

/** What one forward pass at T tokens allocates (the forward allocates exactly these; the estimate sums them). */
export function encoderActivationShapes(dims: ModelDims, T: number) {
  const { C, F, H, L, V } = dims;
  return {
    hidden: [T, C], summed: [T, C], qkv: [T, 3 * C], context: [T, C], attnOut: [T, C], inner: [T, F],
    probs: Array.from({ length: L }, () => [H, T, T]), // only when attention is saved
    mlmTransform: [T, C], mlmNormed: [T, C], mlmLogits: [T, V], // at most T rows
  };
}
