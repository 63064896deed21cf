// An encoder family's Hugging Face names, as one table used both to read a checkpoint into EncoderParams and to write
// EncoderParams back under the same names (export). Each entry lists the canonical name first, then aliases older
// checkpoints use (LayerNorm gamma/beta); body names are under one of `bodyPrefixes` ('bert.' or none), head names
// are not prefixed.

import { CheckpointReader } from '../../weights/checkpoint-reader';
import type { HostTensor } from '../../weights/host-tensor';
import type { TensorSource } from '../../weights/tensor-source';
import type { ModelConfig } from '../family';
import { concatRows, lazy, splitRows, type LazyTensor } from '../params';
import { encoderShapes, type EncoderLayer, type EncoderParams, type EncoderParts, type EncoderSpec } from './params';

export type Names = readonly string[];
/** A Linear's or a LayerNorm's two tensors. */
export type Pair = readonly [weight: Names, bias: Names];

export interface EncoderNameTable {
  /** Where the body sits: the first prefix whose word embeddings the checkpoint has is used; export writes the first. */
  bodyPrefixes: readonly string[];
  wordEmbeddings: Names;
  positionEmbeddings: Names;
  tokenTypeEmbeddings?: Names;
  embeddingsLn: Pair;
  /** Layer l's tensors, q/k/v separate (they are fused into one q|k|v matrix on read and split on export). */
  layer(l: number): { query: Pair; key: Pair; value: Pair; attnOut: Pair; attnLn: Pair; ffnIn: Pair; ffnOut: Pair; outLn: Pair };
  pooler?: Pair; // under the body prefix
  /** Head names, unprefixed. */
  mlm: { dense: Pair; ln: Pair; decoder: Names; bias: Names };
  classifier: { dense?: Pair; out: Pair };
}

const ln = (path: string): Pair => [[`${path}.weight`, `${path}.gamma`], [`${path}.bias`, `${path}.beta`]];
const linear = (path: string): Pair => [[`${path}.weight`], [`${path}.bias`]];
export const names = { ln, linear };

/**
 * The body's layer l as BertModel names it (`encoder.layer.{l}.attention.self.query` …), which RobertaModel keeps:
 * its layers are BERT's, copied.
 */
export function bertLayerNames(l: number): ReturnType<EncoderNameTable['layer']> {
  const at = `encoder.layer.${l}`;
  return {
    query: linear(`${at}.attention.self.query`),
    key: linear(`${at}.attention.self.key`),
    value: linear(`${at}.attention.self.value`),
    attnOut: linear(`${at}.attention.output.dense`),
    attnLn: ln(`${at}.attention.output.LayerNorm`),
    ffnIn: linear(`${at}.intermediate.dense`),
    ffnOut: linear(`${at}.output.dense`),
    outLn: ln(`${at}.output.LayerNorm`),
  };
}

/** Which optional heads the checkpoint has (from tensor names; no data read). */
export function encoderParts(source: TensorSource, table: EncoderNameTable, config: ModelConfig): EncoderParts {
  const prefix = bodyPrefix(source, table);
  const has = (names: Names, prefixed = false) => names.some((name) => source.has(prefixed ? prefix + name : name));
  const numLabels = has(table.classifier.out[0]) ? config.labels.numLabels : 0;
  return {
    mlm: has(table.mlm.dense[0]),
    mlmDecoder: has(table.mlm.decoder),
    pooler: table.pooler !== undefined && has(table.pooler[0], true),
    numLabels,
    classifierDense: table.classifier.dense !== undefined,
  };
}

export function bodyPrefix(source: TensorSource, table: EncoderNameTable): string {
  return table.bodyPrefixes.find((prefix) => table.wordEmbeddings.some((name) => source.has(prefix + name))) ?? table.bodyPrefixes[0];
}

/** Every tensor, shape-checked, as lazy tensors in the encoder's layout; throws one WeightsError listing every problem. */
export function readEncoder(source: TensorSource, spec: EncoderSpec, table: EncoderNameTable, parts: EncoderParts, description: string): EncoderParams<LazyTensor> {
  const prefix = bodyPrefix(source, table);
  const reader = new CheckpointReader(source, prefix);
  const shapes = encoderShapes(spec, parts);
  const { C } = spec.dims;
  const body = (names: Names, shape: number[]) => reader.tensor(names, shape);
  const head = (names: Names, shape: number[]) => reader.unprefixedTensor(names, shape);
  const fused = (l: number, part: 0 | 1): LazyTensor => {
    const t = table.layer(l);
    const rows = part === 0 ? [C, C] : [C];
    const name = `${prefix}${t.query[part][0].replace(/[^.]+\.(weight|bias)$/, 'qkv.$1')}`; // attention.self.qkv.weight
    return concatRows(name, [t.query, t.key, t.value].map((pair) => body(pair[part], rows)));
  };
  // Embeddings first: a config that does not fit the checkpoint is reported at its first tensors.
  const embeddings = {
    wordEmbeddings: body(table.wordEmbeddings, shapes.wordEmbeddings),
    positionEmbeddings: positionTable(reader, spec, table.positionEmbeddings, shapes.positionEmbeddings),
    tokenTypeEmbeddings: shapes.tokenTypeEmbeddings && table.tokenTypeEmbeddings ? body(table.tokenTypeEmbeddings, shapes.tokenTypeEmbeddings) : undefined,
    embeddingsLnWeight: body(table.embeddingsLn[0], shapes.embeddingsLnWeight),
    embeddingsLnBias: body(table.embeddingsLn[1], shapes.embeddingsLnBias),
  };
  const layers: EncoderLayer<LazyTensor>[] = [];
  for (let l = 0; l < shapes.layers.length && !reader.overwhelmed; l++) {
    const s = shapes.layers[l];
    const t = table.layer(l);
    layers.push({
      qkvWeight: fused(l, 0), qkvBias: fused(l, 1),
      attnOutWeight: body(t.attnOut[0], s.attnOutWeight), attnOutBias: body(t.attnOut[1], s.attnOutBias),
      attnLnWeight: body(t.attnLn[0], s.attnLnWeight), attnLnBias: body(t.attnLn[1], s.attnLnBias),
      ffnInWeight: body(t.ffnIn[0], s.ffnInWeight), ffnInBias: body(t.ffnIn[1], s.ffnInBias),
      ffnOutWeight: body(t.ffnOut[0], s.ffnOutWeight), ffnOutBias: body(t.ffnOut[1], s.ffnOutBias),
      outLnWeight: body(t.outLn[0], s.outLnWeight), outLnBias: body(t.outLn[1], s.outLnBias),
    });
  }
  const params: EncoderParams<LazyTensor> = { ...embeddings, layers };
  if (shapes.mlm) {
    const { mlm } = table;
    params.mlm = {
      denseWeight: head(mlm.dense[0], shapes.mlm.denseWeight), denseBias: head(mlm.dense[1], shapes.mlm.denseBias),
      lnWeight: head(mlm.ln[0], shapes.mlm.lnWeight), lnBias: head(mlm.ln[1], shapes.mlm.lnBias),
      decoderWeight: shapes.mlm.decoderWeight ? head(mlm.decoder, shapes.mlm.decoderWeight) : undefined,
      bias: head(mlm.bias, shapes.mlm.bias),
    };
  }
  if (shapes.pooler && table.pooler) {
    params.pooler = { weight: body(table.pooler[0], shapes.pooler.weight), bias: body(table.pooler[1], shapes.pooler.bias) };
  }
  if (shapes.classifier) {
    const { dense, out } = table.classifier;
    params.classifier = {
      denseWeight: dense && shapes.classifier.denseWeight ? head(dense[0], shapes.classifier.denseWeight) : undefined,
      denseBias: dense && shapes.classifier.denseBias ? head(dense[1], shapes.classifier.denseBias) : undefined,
      outWeight: head(out[0], shapes.classifier.outWeight),
      outBias: head(out[1], shapes.classifier.outBias),
    };
  }
  reader.finish(description);
  return params;
}

/** The stored position table, or the spec's own where a checkpoint leaves a fixed (sinusoidal) table out. */
function positionTable(reader: CheckpointReader, spec: EncoderSpec, names: Names, shape: number[]): LazyTensor {
  const { positionTable: build } = spec;
  if (!build || names.some((name) => reader.has(name))) return reader.tensor(names, shape);
  const [rows, C] = shape;
  return lazy(reader.prefix + names[0], shape, () => build(rows, C));
}

/** EncoderParams back under the table's canonical names (body under its first prefix), q|k|v split again. */
export function encoderToHf(params: EncoderParams<HostTensor>, table: EncoderNameTable): HostTensor[] {
  const prefix = table.bodyPrefixes[0];
  const named = (tensor: HostTensor, names: Names, prefixed = true): HostTensor => ({ ...tensor, name: (prefixed ? prefix : '') + names[0] });
  const out: HostTensor[] = [
    named(params.wordEmbeddings, table.wordEmbeddings),
    named(params.positionEmbeddings, table.positionEmbeddings),
  ];
  if (params.tokenTypeEmbeddings && table.tokenTypeEmbeddings) out.push(named(params.tokenTypeEmbeddings, table.tokenTypeEmbeddings));
  out.push(named(params.embeddingsLnWeight, table.embeddingsLn[0]), named(params.embeddingsLnBias, table.embeddingsLn[1]));
  params.layers.forEach((layer, l) => {
    const t = table.layer(l);
    const C = layer.qkvWeight.shape[1];
    const qkvNames = (part: 0 | 1) => [t.query, t.key, t.value].map((pair) => prefix + pair[part][0]);
    out.push(...splitRows(layer.qkvWeight, [C, C, C], qkvNames(0)), ...splitRows(layer.qkvBias, [C, C, C], qkvNames(1)));
    out.push(
      named(layer.attnOutWeight, t.attnOut[0]), named(layer.attnOutBias, t.attnOut[1]),
      named(layer.attnLnWeight, t.attnLn[0]), named(layer.attnLnBias, t.attnLn[1]),
      named(layer.ffnInWeight, t.ffnIn[0]), named(layer.ffnInBias, t.ffnIn[1]),
      named(layer.ffnOutWeight, t.ffnOut[0]), named(layer.ffnOutBias, t.ffnOut[1]),
      named(layer.outLnWeight, t.outLn[0]), named(layer.outLnBias, t.outLn[1]),
    );
  });
  if (params.pooler && table.pooler) out.push(named(params.pooler.weight, table.pooler[0]), named(params.pooler.bias, table.pooler[1]));
  const { mlm, classifier } = params;
  if (mlm) {
    out.push(
      named(mlm.denseWeight, table.mlm.dense[0], false), named(mlm.denseBias, table.mlm.dense[1], false),
      named(mlm.lnWeight, table.mlm.ln[0], false), named(mlm.lnBias, table.mlm.ln[1], false),
      named(mlm.bias, table.mlm.bias, false),
    );
    if (mlm.decoderWeight) out.push(named(mlm.decoderWeight, table.mlm.decoder, false));
  }
  if (classifier) {
    const { dense, out: outNames } = table.classifier;
    if (dense && classifier.denseWeight && classifier.denseBias) {
      out.push(named(classifier.denseWeight, dense[0], false), named(classifier.denseBias, dense[1], false));
    }
    out.push(named(classifier.outWeight, outNames[0], false), named(classifier.outBias, outNames[1], false));
  }
  return out;
}
