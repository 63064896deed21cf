// GPT-2 as an ONNX graph, the way Hugging Face Optimum exports GPT2LMHeadModel: input_ids (B, T) and
// attention_mask (B, P + T) int64 -> logits (B, T, V), optionally attentions.{layer} (B, H, T, P + T). With
// `pastKeyValues`, past_key_values.{layer}.key/value (B, H, P, D) come in and present.{layer}.key/value
// (B, H, P + T, D) go out, so decoding runs one token at a time; without, P = 0.
// Initializers keep the checkpoint's names; the LM head shares `transformer.wte.weight` unless the checkpoint has its own.

import type { Gpt2Config } from '../weights/config';
import type { Gpt2Weights } from '../weights/gpt2-weights';
import type { HostTensor } from '../weights/host-tensor';
import { GraphBuilder } from './graphBuilder';
import { attentionBias, dimension, geluTanh, layerNorm, linear, positions, projectOnTable, selfAttention, zeroInt64 } from './layers';

export interface GraphOptions {
  /** Add every layer's attention probabilities as outputs `attentions.{layer}`. */
  attentions: boolean;
  /** GPT-2 only: KV-cache inputs and outputs (past_key_values.* / present.*). */
  pastKeyValues?: boolean;
}

const KEYS = 'past_sequence_length + sequence_length';

export function gpt2Graph(config: Gpt2Config, weights: Gpt2Weights, options: GraphOptions): GraphBuilder {
  const { nEmbd: C, nHead: H, vocabSize: V, nPositions: P, layerNormEpsilon: eps } = config;
  const D = C / H;
  const g = new GraphBuilder('gpt2');
  const ids = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', 'int64', ['batch_size', options.pastKeyValues ? KEYS : 'sequence_length']);
  const past = options.pastKeyValues
    ? weights.blocks.map((_, l) => ({
        key: g.input(`past_key_values.${l}.key`, 'float32', ['batch_size', H, 'past_sequence_length', D]),
        value: g.input(`past_key_values.${l}.value`, 'float32', ['batch_size', H, 'past_sequence_length', D]),
      }))
    : undefined;

  const pastLength = past ? dimension(g, past[0].key, 2, 'past_length') : zeroInt64(g);
  const totalLength = dimension(g, mask, 1, 'total_length');
  const queries = positions(g, pastLength, totalLength, 'positions'); // (T): P..P+T-1
  const keys = past ? positions(g, zeroInt64(g), totalLength, 'key_positions') : queries; // (P + T)
  const wte = g.weight('transformer.wte.weight', [V, C], weights.wte.data);
  const wpe = g.weight('transformer.wpe.weight', [P, C], weights.wpe.data);
  const tokens = g.op('Gather', [wte, ids], 'token_embeddings'); // (B, T, C)
  let x = g.op('Add', [tokens, g.op('Gather', [wpe, queries], 'position_embeddings')], 'embeddings'); // (B, T, C)
  const bias = attentionBias(g, mask, { queries, keys }); // (B, 1, T, P + T)
  const attentions: string[] = [];
  const presents: string[] = [];

  weights.blocks.forEach((block, l) => {
    const at = `transformer.h.${l}`;
    const named = (tensor: HostTensor, suffix: string): HostTensor => ({ ...tensor, name: `${at}.${suffix}` });
    const ln1 = layerNorm(g, x, named(block.ln1Weight, 'ln_1.weight'), named(block.ln1Bias, 'ln_1.bias'), eps, `${at}.ln_1`);
    const qkv = linear(g, ln1, named(block.attnWeight, 'attn.c_attn.weight'), named(block.attnBias, 'attn.c_attn.bias'), `${at}.attn.c_attn`);
    const attention = selfAttention(g, qkv, bias, H, D, `${at}.attn`, past?.[l]);
    if (options.attentions) attentions.push(g.op('Identity', [attention.probs], `attentions.${l}`));
    if (past) presents.push(g.op('Identity', [attention.key], `present.${l}.key`), g.op('Identity', [attention.value], `present.${l}.value`));
    const attnOut = linear(g, attention.context, named(block.attnProjWeight, 'attn.c_proj.weight'), named(block.attnProjBias, 'attn.c_proj.bias'), `${at}.attn.c_proj`);
    x = g.op('Add', [x, attnOut], `${at}.residual_1`);
    const ln2 = layerNorm(g, x, named(block.ln2Weight, 'ln_2.weight'), named(block.ln2Bias, 'ln_2.bias'), eps, `${at}.ln_2`);
    const fc = linear(g, ln2, named(block.fcWeight, 'mlp.c_fc.weight'), named(block.fcBias, 'mlp.c_fc.bias'), `${at}.mlp.c_fc`);
    const act = geluTanh(g, fc, `${at}.mlp.act`);
    const mlpOut = linear(g, act, named(block.mlpProjWeight, 'mlp.c_proj.weight'), named(block.mlpProjBias, 'mlp.c_proj.bias'), `${at}.mlp.c_proj`);
    x = g.op('Add', [x, mlpOut], `${at}.residual_2`);
  });

  const lnf = layerNorm(g, x, { ...weights.lnfWeight, name: 'transformer.ln_f.weight' }, { ...weights.lnfBias, name: 'transformer.ln_f.bias' }, eps, 'transformer.ln_f');
  const head = weights.lmHead ? g.weight('lm_head.weight', [V, C], weights.lmHead.data) : wte;
  projectOnTable(g, lnf, ids, head, C, V, null, 'logits');
  g.output('logits', 'float32', ['batch_size', 'sequence_length', V]);
  for (const name of presents) g.output(name, 'float32', ['batch_size', H, KEYS, D]);
  for (const name of attentions) g.output(name, 'float32', ['batch_size', H, 'sequence_length', past ? KEYS : 'sequence_length']);
  return g;
}
