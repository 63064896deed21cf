// The post-LN encoder as an ONNX graph with Optimum's inputs: input_ids, attention_mask (+ token_type_ids where the
// family has token types) (B, T) int64 -> logits (B, T, V) from the masked-LM head (last_hidden_state (B, T, C) for a
// checkpoint without one), optionally attentions.{layer} (B, H, T, T). torch Linear weights (out, in) are written
// transposed, (in, out), for MatMul; q|k|v is one (C, 3C) product. The MLM decoder shares the word embeddings when tied.
// With `weights` 'q4' / 'q8', the layers' four products (encoderMatmulWeights, the ones the engine packs) are
// MatMulNBits nodes on the (out, in) weights as stored.

import { roundTripWeight } from '../../kernels/matmul/packed.ref';
import type { GraphOptions } from '../family';
import { GraphBuilder } from '../onnx/graphBuilder';
import { activation, attentionBias, dimension, layerNorm, linear, positions, projectOnTable, selfAttention, zeroInt64, type MatmulWeight } from '../onnx/layers';
import type { LazyTensor } from '../params';
import { encoderMatmulWeights, type EncoderParams, type EncoderSpec } from './params';

export function encoderOnnx(graphName: string, spec: EncoderSpec, p: EncoderParams<LazyTensor>, options: GraphOptions): GraphBuilder {
  const { C, H, V, eps } = spec.dims;
  const g = new GraphBuilder(graphName);
  const ids = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', 'int64', ['batch_size', 'sequence_length']);
  const typeIds = p.tokenTypeEmbeddings ? g.input('token_type_ids', 'int64', ['batch_size', 'sequence_length']) : undefined;
  const table = (tensor: LazyTensor) => g.weight(tensor.name, tensor.shape, tensor.load());
  const host = (tensor: LazyTensor) => ({ name: tensor.name, shape: tensor.shape, data: tensor.load() });
  const format = options.weights ?? 'f32';
  /** A torch Linear weight (out, in) at `path` of the struct (layers.3.qkvWeight), in `format` where the engine packs it. */
  const matrix = (tensor: LazyTensor, path: string): MatmulWeight => ({ tensor: host(tensor), layout: 'nk', format: encoderMatmulWeights(path) ? format : 'f32' });

  // The word table holds the values the engine's packed table stands for (the lookup and the tied MLM decoder).
  const words = g.weight(p.wordEmbeddings.name, p.wordEmbeddings.shape, format === 'f32' ? p.wordEmbeddings.load() : roundTripWeight(p.wordEmbeddings.load(), V, C, 'nk', format));
  let position: string;
  if (spec.positionIds === 'from-zero') {
    position = positions(g, zeroInt64(g), dimension(g, ids, 1, 'sequence_length'), 'positions'); // (T)
  } else {
    // RoBERTa: cumsum(ids != padding) · (ids != padding) + padding_idx, per sequence (B, T).
    const pad = g.int64s('padding_idx', [spec.paddingIdx], []);
    const real = g.op('Cast', [g.op('Not', [g.op('Equal', [ids, pad], 'is_padding')], 'is_token')], 'token_flags', { to: 7 });
    const counted = g.op('CumSum', [real, g.int64s('sequence_axis', [1], [])], 'token_counts');
    position = g.op('Add', [g.op('Mul', [counted, real], 'token_positions'), pad], 'position_ids'); // (B, T)
  }
  let summed = g.op('Add', [
    g.op('Gather', [words, ids], 'word_embeddings'), // (B, T, C)
    g.op('Gather', [table(p.positionEmbeddings), position], 'position_embeddings'), // (T, C) or (B, T, C)
  ], 'word_and_position');
  if (p.tokenTypeEmbeddings && typeIds) {
    summed = g.op('Add', [summed, g.op('Gather', [table(p.tokenTypeEmbeddings), typeIds], 'token_type_embeddings')], 'embeddings_sum');
  }
  let x = layerNorm(g, summed, host(p.embeddingsLnWeight), host(p.embeddingsLnBias), eps, 'embeddings.LayerNorm');
  const bias = attentionBias(g, mask, null); // (B, 1, 1, T)
  const attentions: string[] = [];

  p.layers.forEach((layer, l) => {
    const at = `layer.${l}`;
    const qkv = linear(g, x, matrix(layer.qkvWeight, `layers.${l}.qkvWeight`), host(layer.qkvBias), `${at}.qkv`); // (B, T, 3C)
    const { context, probs } = selfAttention(g, qkv, bias, H, C / H, `${at}.attention`);
    if (options.attentions) attentions.push(g.op('Identity', [probs], `attentions.${l}`));
    const attnDense = linear(g, context, matrix(layer.attnOutWeight, `layers.${l}.attnOutWeight`), host(layer.attnOutBias), `${at}.attention.output`);
    const attnOut = layerNorm(g, g.op('Add', [attnDense, x], `${at}.attention.residual`), host(layer.attnLnWeight), host(layer.attnLnBias), eps, `${at}.attention.LayerNorm`);
    const inner = linear(g, attnOut, matrix(layer.ffnInWeight, `layers.${l}.ffnInWeight`), host(layer.ffnInBias), `${at}.ffn.in`);
    const act = activation(g, spec.dims.activation, inner, `${at}.ffn.act`);
    const outDense = linear(g, act, matrix(layer.ffnOutWeight, `layers.${l}.ffnOutWeight`), host(layer.ffnOutBias), `${at}.ffn.out`);
    x = layerNorm(g, g.op('Add', [outDense, attnOut], `${at}.output.residual`), host(layer.outLnWeight), host(layer.outLnBias), eps, `${at}.output.LayerNorm`);
  });

  if (p.mlm) {
    const dense = linear(g, x, matrix(p.mlm.denseWeight, 'mlm.denseWeight'), host(p.mlm.denseBias), 'mlm.dense');
    const act = activation(g, spec.mlmActivation, dense, 'mlm.act');
    const normed = layerNorm(g, act, host(p.mlm.lnWeight), host(p.mlm.lnBias), eps, 'mlm.LayerNorm');
    const decoder = p.mlm.decoderWeight ? table(p.mlm.decoderWeight) : words;
    projectOnTable(g, normed, ids, decoder, C, V, table(p.mlm.bias), 'logits');
    g.output('logits', 'float32', ['batch_size', 'sequence_length', V]);
  } else {
    g.output(g.op('Identity', [x], 'last_hidden_state'), 'float32', ['batch_size', 'sequence_length', C]);
  }
  for (const name of attentions) g.output(name, 'float32', ['batch_size', H, 'sequence_length', 'sequence_length']);
  return g;
}
