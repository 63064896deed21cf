// BERT as an ONNX graph with Optimum's inputs: input_ids, attention_mask, token_type_ids (B, T) int64 -> logits
// (B, T, V) from the masked-LM head (last_hidden_state (B, T, C) for a checkpoint without one), and optionally
// attentions.{layer} (B, H, T, T). torch Linear weights (out, in) are written transposed, (in, out), for MatMul;
// query, key and value are packed into one (C, 3C) product. The MLM decoder shares the word embeddings when tied.

import type { BertConfig } from '../weights/config';
import type { BertWeights } from '../weights/bert-weights';
import type { HostTensor } from '../weights/host-tensor';
import { GraphBuilder } from './graphBuilder';
import type { GraphOptions } from './gpt2Graph';
import { attentionBias, dimension, geluErf, layerNorm, linear, positions, projectOnTable, selfAttention, zeroInt64 } from './layers';

export function bertGraph(config: BertConfig, weights: BertWeights, options: GraphOptions): GraphBuilder {
  const { hiddenSize: C, numAttentionHeads: H, vocabSize: V, layerNormEps: eps } = config;
  const g = new GraphBuilder('bert');
  const ids = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', 'int64', ['batch_size', 'sequence_length']);
  const typeIds = g.input('token_type_ids', 'int64', ['batch_size', 'sequence_length']);

  const table = (tensor: HostTensor, name: string) => g.weight(name, tensor.shape, tensor.data);
  const words = table(weights.wordEmbeddings, 'bert.embeddings.word_embeddings.weight');
  const position = positions(g, zeroInt64(g), dimension(g, ids, 1, 'sequence_length'), 'positions'); // (T)
  const summed = g.op('Add', [
    g.op('Add', [
      g.op('Gather', [words, ids], 'word_embeddings'), // (B, T, C)
      g.op('Gather', [table(weights.positionEmbeddings, 'bert.embeddings.position_embeddings.weight'), position], 'position_embeddings'), // (T, C)
    ], 'word_and_position'),
    g.op('Gather', [table(weights.tokenTypeEmbeddings, 'bert.embeddings.token_type_embeddings.weight'), typeIds], 'token_type_embeddings'),
  ], 'embeddings_sum');
  const named = (tensor: HostTensor, name: string): HostTensor => ({ ...tensor, name });
  let x = layerNorm(g, summed, named(weights.embeddingsLnWeight, 'bert.embeddings.LayerNorm.weight'), named(weights.embeddingsLnBias, 'bert.embeddings.LayerNorm.bias'), eps, 'bert.embeddings.LayerNorm');
  const bias = attentionBias(g, mask, null); // (B, 1, 1, T)
  const attentions: string[] = [];

  weights.layers.forEach((layer, l) => {
    const at = `bert.encoder.layer.${l}`;
    const qkvWeight = transposedLinear([layer.queryWeight, layer.keyWeight, layer.valueWeight], `${at}.attention.self.qkv.weight`);
    const qkvBias = concat([layer.queryBias, layer.keyBias, layer.valueBias], `${at}.attention.self.qkv.bias`);
    const qkv = linear(g, x, qkvWeight, qkvBias, `${at}.attention.self.qkv`); // (B, T, 3C)
    const { context, probs } = selfAttention(g, qkv, bias, H, C / H, `${at}.attention.self`);
    if (options.attentions) attentions.push(g.op('Identity', [probs], `attentions.${l}`));
    const attnDense = linear(g, context, transposedLinear([layer.attnOutputWeight], `${at}.attention.output.dense.weight`), named(layer.attnOutputBias, `${at}.attention.output.dense.bias`), `${at}.attention.output.dense`);
    const attnSum = g.op('Add', [attnDense, x], `${at}.attention.output.residual`);
    const attnOut = layerNorm(g, attnSum, named(layer.attnLnWeight, `${at}.attention.output.LayerNorm.weight`), named(layer.attnLnBias, `${at}.attention.output.LayerNorm.bias`), eps, `${at}.attention.output.LayerNorm`);
    const inner = linear(g, attnOut, transposedLinear([layer.intermediateWeight], `${at}.intermediate.dense.weight`), named(layer.intermediateBias, `${at}.intermediate.dense.bias`), `${at}.intermediate.dense`);
    const act = geluErf(g, inner, `${at}.intermediate.act`);
    const outDense = linear(g, act, transposedLinear([layer.outputWeight], `${at}.output.dense.weight`), named(layer.outputBias, `${at}.output.dense.bias`), `${at}.output.dense`);
    const outSum = g.op('Add', [outDense, attnOut], `${at}.output.residual`);
    x = layerNorm(g, outSum, named(layer.outputLnWeight, `${at}.output.LayerNorm.weight`), named(layer.outputLnBias, `${at}.output.LayerNorm.bias`), eps, `${at}.output.LayerNorm`);
  });

  const head = weights.mlmHead;
  if (head) {
    const prefix = 'cls.predictions';
    const dense = linear(g, x, transposedLinear([head.transformWeight], `${prefix}.transform.dense.weight`), named(head.transformBias, `${prefix}.transform.dense.bias`), `${prefix}.transform.dense`);
    const act = geluErf(g, dense, `${prefix}.transform.act`);
    const normed = layerNorm(g, act, named(head.transformLnWeight, `${prefix}.transform.LayerNorm.weight`), named(head.transformLnBias, `${prefix}.transform.LayerNorm.bias`), eps, `${prefix}.transform.LayerNorm`);
    const decoder = head.decoderWeight ? table(head.decoderWeight, `${prefix}.decoder.weight`) : words;
    projectOnTable(g, normed, ids, decoder, C, V, table(head.bias, `${prefix}.bias`), 'logits');
    g.output('logits', 'float32', ['batch_size', 'sequence_length', V]);
  } else {
    g.output(g.op('Identity', [x], 'last_hidden_state'), 'float32', ['batch_size', 'sequence_length', C]);
  }
  for (const name of attentions) g.output(name, 'float32', ['batch_size', H, 'sequence_length', 'sequence_length']);
  return g;
}

/** torch Linear weights (N_i, K) side by side as one (K, ΣN_i) matrix for x @ w. */
function transposedLinear(parts: HostTensor[], name: string): HostTensor {
  const K = parts[0].shape[1];
  const N = parts.reduce((sum, part) => sum + part.shape[0], 0);
  const data = new Float32Array(K * N);
  let column = 0;
  for (const part of parts) {
    const rows = part.shape[0];
    for (let n = 0; n < rows; n++) for (let k = 0; k < K; k++) data[k * N + column + n] = part.data[n * K + k];
    column += rows;
  }
  return { name, shape: [K, N], data };
}

function concat(parts: HostTensor[], name: string): HostTensor {
  const data = new Float32Array(parts.reduce((sum, part) => sum + part.data.length, 0));
  let offset = 0;
  for (const part of parts) {
    data.set(part.data, offset);
    offset += part.data.length;
  }
  return { name, shape: [data.length], data };
}
