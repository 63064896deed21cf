// A decoder family's Hugging Face names, as one table used both to read a checkpoint into DecoderParams and to write
// DecoderParams back under the same names (export). q|k|v is stored either as one tensor (GPT-2's c_attn, NeoX's
// query_key_value, re-laid by the family's `relayout` when its rows are not q|k|v) or as three (Llama's q/k/v_proj,
// stacked on read); a SwiGLU MLP's gate and up projections are stacked likewise.

import { CheckpointReader } from '../../weights/checkpoint-reader';
import type { HostTensor } from '../../weights/host-tensor';
import type { TensorSource } from '../../weights/tensor-source';
import { concatRows, lazy, splitRows, type LazyTensor } from '../params';
import { decoderShapes, type DecoderBlock, type DecoderParams, type DecoderSpec } from './params';

export type Names = readonly string[];
/** A Linear's or a norm's two tensors; `bias` is ignored where the spec has none. */
export type Pair = readonly [weight: Names, bias: Names];

/** A family's row order for a fused q|k|v tensor, and back: data in the checkpoint's shape -> data in q|k|v row order. */
export interface QkvRelayout {
  toModel(data: Float32Array, shape: readonly number[], part: 'weight' | 'bias'): Float32Array;
  toCheckpoint(data: Float32Array, shape: readonly number[], part: 'weight' | 'bias'): Float32Array;
}

export interface DecoderBlockNames {
  ln1: Pair;
  ln2: Pair;
  qkv: { fused: Pair; relayout?: QkvRelayout } | { q: Pair; k: Pair; v: Pair };
  attnOut: Pair;
  mlpIn: Pair | { gate: Pair; up: Pair };
  mlpOut: Pair;
}

export interface DecoderNameTable {
  /** Where the body sits: the first prefix whose token embeddings the checkpoint has is used; export writes the first. */
  bodyPrefixes: readonly string[];
  tokenEmbeddings: Names;
  positionEmbeddings?: Names;
  block(l: number): DecoderBlockNames;
  lnf: Pair;
  /** Unprefixed. */
  lmHead: Names;
}

const isPair = (value: unknown): value is Pair => Array.isArray(value);

export function bodyPrefix(source: TensorSource, table: DecoderNameTable): string {
  return table.bodyPrefixes.find((prefix) => table.tokenEmbeddings.some((name) => source.has(prefix + name))) ?? table.bodyPrefixes[0];
}

/** Whether the checkpoint stores its own LM head (untied). */
export function hasUntiedHead(source: TensorSource, table: DecoderNameTable): boolean {
  return table.lmHead.some((name) => source.has(name));
}

/** Every tensor, shape-checked, as lazy tensors in the decoder's layout; throws one WeightsError listing every problem. */
export function readDecoder(source: TensorSource, spec: DecoderSpec, table: DecoderNameTable, description: string, tied = !hasUntiedHead(source, table)): DecoderParams<LazyTensor> {
  const prefix = bodyPrefix(source, table);
  const reader = new CheckpointReader(source, prefix);
  const shapes = decoderShapes(spec, { lmHead: !tied });
  const { C, F, H, Hkv, D } = spec.dims;
  const kn = spec.weightLayout === 'kn';
  const body = (names: Names, shape: number[] | undefined) => (shape ? reader.tensor(names, shape) : undefined);
  /** A torch Linear's or Conv1D's tensor with `outputs` outputs, for stacking along the output rows (nk only). */
  const linearPart = (names: Names, outputs: number, inputs: number, bias: boolean) => reader.tensor(names, bias ? [outputs] : kn ? [inputs, outputs] : [outputs, inputs]);
  // Embeddings first: a config that does not fit the checkpoint is reported at its first tensors.
  const tokenEmbeddings = reader.tensor(table.tokenEmbeddings, shapes.tokenEmbeddings);
  const positionEmbeddings = shapes.positionEmbeddings && table.positionEmbeddings ? reader.tensor(table.positionEmbeddings, shapes.positionEmbeddings) : undefined;
  const blocks: DecoderBlock<LazyTensor>[] = [];
  for (let l = 0; l < shapes.blocks.length && !reader.overwhelmed; l++) {
    const s = shapes.blocks[l];
    const t = table.block(l);
    const stacked = (pairs: readonly Pair[], outputs: readonly number[], part: 0 | 1, name: string): LazyTensor => {
      if (kn) throw new Error('stacked q/k/v or gate/up projections are read for torch Linear (nk) weights only');
      return concatRows(prefix + name, pairs.map((pair, i) => linearPart(pair[part], outputs[i], C, part === 1)));
    };
    let qkvWeight: LazyTensor;
    let qkvBias: LazyTensor | undefined;
    if ('fused' in t.qkv) {
      const { fused, relayout } = t.qkv;
      const relaid = (tensor: LazyTensor, part: 'weight' | 'bias') =>
        relayout ? lazy(tensor.name, tensor.shape, () => relayout.toModel(tensor.load(), tensor.shape, part)) : tensor;
      qkvWeight = relaid(reader.tensor(fused[0], s.qkvWeight), 'weight');
      qkvBias = s.qkvBias ? relaid(reader.tensor(fused[1], s.qkvBias), 'bias') : undefined;
    } else {
      const { q, k, v } = t.qkv;
      const outputs = [H * D, Hkv * D, Hkv * D];
      qkvWeight = stacked([q, k, v], outputs, 0, q[0][0].replace(/q_proj\.weight$/, 'qkv_proj.weight'));
      qkvBias = s.qkvBias ? stacked([q, k, v], outputs, 1, q[1][0].replace(/q_proj\.bias$/, 'qkv_proj.bias')) : undefined;
    }
    let mlpInWeight: LazyTensor;
    let mlpInBias: LazyTensor | undefined;
    if (isPair(t.mlpIn)) {
      mlpInWeight = reader.tensor(t.mlpIn[0], s.mlpInWeight);
      mlpInBias = body(t.mlpIn[1], s.mlpInBias);
    } else {
      const { gate, up } = t.mlpIn;
      mlpInWeight = stacked([gate, up], [F, F], 0, gate[0][0].replace(/gate_proj\.weight$/, 'gate_up_proj.weight'));
      mlpInBias = s.mlpInBias ? stacked([gate, up], [F, F], 1, gate[1][0].replace(/gate_proj\.bias$/, 'gate_up_proj.bias')) : undefined;
    }
    blocks.push({
      ln1Weight: reader.tensor(t.ln1[0], s.ln1Weight), ln1Bias: body(t.ln1[1], s.ln1Bias),
      qkvWeight, qkvBias,
      attnOutWeight: reader.tensor(t.attnOut[0], s.attnOutWeight), attnOutBias: body(t.attnOut[1], s.attnOutBias),
      ln2Weight: reader.tensor(t.ln2[0], s.ln2Weight), ln2Bias: body(t.ln2[1], s.ln2Bias),
      mlpInWeight, mlpInBias,
      mlpOutWeight: reader.tensor(t.mlpOut[0], s.mlpOutWeight), mlpOutBias: body(t.mlpOut[1], s.mlpOutBias),
    });
  }
  const params: DecoderParams<LazyTensor> = {
    tokenEmbeddings,
    positionEmbeddings,
    blocks,
    lnfWeight: reader.tensor(table.lnf[0], shapes.lnfWeight),
    lnfBias: body(table.lnf[1], shapes.lnfBias),
    lmHead: shapes.lmHead ? reader.unprefixedTensor(table.lmHead, shapes.lmHead) : undefined,
  };
  reader.finish(description);
  return params;
}

/** DecoderParams back under the table's canonical names (body under its first prefix), stacked tensors split again. */
export function decoderToHf(params: DecoderParams<HostTensor>, spec: DecoderSpec, table: DecoderNameTable): HostTensor[] {
  const prefix = table.bodyPrefixes[0];
  const { H, Hkv, D, F } = spec.dims;
  const named = (tensor: HostTensor | undefined, names: Names, prefixed = true): HostTensor[] =>
    tensor ? [{ ...tensor, name: (prefixed ? prefix : '') + names[0] }] : [];
  const out: HostTensor[] = [...named(params.tokenEmbeddings, table.tokenEmbeddings)];
  if (params.positionEmbeddings && table.positionEmbeddings) out.push(...named(params.positionEmbeddings, table.positionEmbeddings));
  params.blocks.forEach((block, l) => {
    const t = table.block(l);
    out.push(...named(block.ln1Weight, t.ln1[0]), ...named(block.ln1Bias, t.ln1[1]));
    if ('fused' in t.qkv) {
      const { fused, relayout } = t.qkv;
      const back = (tensor: HostTensor | undefined, part: 'weight' | 'bias') =>
        tensor && relayout ? { ...tensor, data: relayout.toCheckpoint(tensor.data, tensor.shape, part) } : tensor;
      out.push(...named(back(block.qkvWeight, 'weight'), fused[0]), ...named(back(block.qkvBias, 'bias'), fused[1]));
    } else {
      const { q, k, v } = t.qkv;
      const rows = [H * D, Hkv * D, Hkv * D];
      out.push(...splitRows(block.qkvWeight, rows, [q, k, v].map((pair) => prefix + pair[0][0])));
      if (block.qkvBias) out.push(...splitRows(block.qkvBias, rows, [q, k, v].map((pair) => prefix + pair[1][0])));
    }
    out.push(...named(block.attnOutWeight, t.attnOut[0]), ...named(block.attnOutBias, t.attnOut[1]));
    out.push(...named(block.ln2Weight, t.ln2[0]), ...named(block.ln2Bias, t.ln2[1]));
    if (isPair(t.mlpIn)) {
      out.push(...named(block.mlpInWeight, t.mlpIn[0]), ...named(block.mlpInBias, t.mlpIn[1]));
    } else {
      const { gate, up } = t.mlpIn;
      out.push(...splitRows(block.mlpInWeight, [F, F], [gate, up].map((pair) => prefix + pair[0][0])));
      if (block.mlpInBias) out.push(...splitRows(block.mlpInBias, [F, F], [gate, up].map((pair) => prefix + pair[1][0])));
    }
    out.push(...named(block.mlpOutWeight, t.mlpOut[0]), ...named(block.mlpOutBias, t.mlpOut[1]));
  });
  out.push(...named(params.lnfWeight, table.lnf[0]), ...named(params.lnfBias, table.lnf[1]));
  if (params.lmHead) out.push(...named(params.lmHead, table.lmHead, false));
  return out;
}
