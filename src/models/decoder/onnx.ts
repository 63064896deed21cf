// The pre-norm decoder as an ONNX graph, the way Hugging Face Optimum exports a *ForCausalLM: input_ids (B, T) and
// attention_mask (B, P + T) int64 -> logits (B, T, V), optionally attentions.{layer} (B, H, T, P + T). With
// `pastKeyValues`, past_key_values.{layer}.key/value (B, H, P, D) come in and present.{layer}.key/value
// (B, H, P + T, D) go out, so decoding runs one token at a time; without, P = 0.
// Initializers keep the checkpoint's names; the LM head shares the token embeddings unless the checkpoint has its own.

import type { GraphOptions } from '../family';
import { GraphBuilder } from '../onnx/graphBuilder';
import { activation, attentionBias, dimension, layerNorm, linear, positions, projectOnTable, selfAttention, transposed, zeroInt64 } from '../onnx/layers';
import type { LazyTensor } from '../params';
import type { DecoderParams, DecoderSpec } from './params';

const KEYS = 'past_sequence_length + sequence_length';

export function decoderOnnx(graphName: string, spec: DecoderSpec, p: DecoderParams<LazyTensor>, options: GraphOptions): GraphBuilder {
  const { C, H, D, V, eps } = spec.dims;
  if (spec.dims.norm !== 'layernorm' || spec.rotary || spec.mlp !== 'gelu' || spec.parallelResidual || spec.dims.Hkv !== H) {
    throw new Error(`ONNX export supports GPT-2-style decoders in this build.`);
  }
  const g = new GraphBuilder(graphName);
  const host = (tensor: LazyTensor) => ({ name: tensor.name, shape: tensor.shape, data: tensor.load() });
  const matrix = (tensor: LazyTensor) => (spec.weightLayout === 'kn' ? host(tensor) : transposed(tensor.name, tensor.shape, tensor.load()));
  const ids = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', 'int64', ['batch_size', options.pastKeyValues ? KEYS : 'sequence_length']);
  const past = options.pastKeyValues
    ? p.blocks.map((_, l) => ({
        key: g.input(`past_key_values.${l}.key`, 'float32', ['batch_size', H, 'past_sequence_length', D]),
        value: g.input(`past_key_values.${l}.value`, 'float32', ['batch_size', H, 'past_sequence_length', D]),
      }))
    : undefined;

  const pastLength = past ? dimension(g, past[0].key, 2, 'past_length') : zeroInt64(g);
  const totalLength = dimension(g, mask, 1, 'total_length');
  const queries = positions(g, pastLength, totalLength, 'positions'); // (T): P..P+T-1
  const keys = past ? positions(g, zeroInt64(g), totalLength, 'key_positions') : queries; // (P + T)
  const wte = g.weight(p.tokenEmbeddings.name, [V, C], p.tokenEmbeddings.load());
  let x = g.op('Gather', [wte, ids], 'token_embeddings'); // (B, T, C)
  if (p.positionEmbeddings) {
    const wpe = g.weight(p.positionEmbeddings.name, p.positionEmbeddings.shape, p.positionEmbeddings.load());
    x = g.op('Add', [x, g.op('Gather', [wpe, queries], 'position_embeddings')], 'embeddings'); // (B, T, C)
  }
  const bias = attentionBias(g, mask, { queries, keys }); // (B, 1, T, P + T)
  const attentions: string[] = [];
  const presents: string[] = [];
  const zeros = (name: string, n: number) => ({ name, shape: [n], data: new Float32Array(n) });

  p.blocks.forEach((block, l) => {
    const at = `h.${l}`;
    const ln1 = layerNorm(g, x, host(block.ln1Weight), host(block.ln1Bias!), eps, `${at}.ln_1`);
    const qkv = linear(g, ln1, matrix(block.qkvWeight), block.qkvBias ? host(block.qkvBias) : zeros(`${at}.qkv.zero_bias`, 3 * C), `${at}.attn.qkv`);
    const attention = selfAttention(g, qkv, bias, H, D, `${at}.attn`, past?.[l]);
    if (options.attentions) attentions.push(g.op('Identity', [attention.probs], `attentions.${l}`));
    if (past) presents.push(g.op('Identity', [attention.key], `present.${l}.key`), g.op('Identity', [attention.value], `present.${l}.value`));
    const attnOut = linear(g, attention.context, matrix(block.attnOutWeight), block.attnOutBias ? host(block.attnOutBias) : zeros(`${at}.attn_out.zero_bias`, C), `${at}.attn.out`);
    x = g.op('Add', [x, attnOut], `${at}.residual_1`);
    const ln2 = layerNorm(g, x, host(block.ln2Weight), host(block.ln2Bias!), eps, `${at}.ln_2`);
    const fc = linear(g, ln2, matrix(block.mlpInWeight), block.mlpInBias ? host(block.mlpInBias) : zeros(`${at}.mlp_in.zero_bias`, spec.dims.F), `${at}.mlp.in`);
    const act = activation(g, spec.dims.activation, fc, `${at}.mlp.act`);
    const mlpOut = linear(g, act, matrix(block.mlpOutWeight), block.mlpOutBias ? host(block.mlpOutBias) : zeros(`${at}.mlp_out.zero_bias`, C), `${at}.mlp.out`);
    x = g.op('Add', [x, mlpOut], `${at}.residual_2`);
  });

  const lnf = layerNorm(g, x, host(p.lnfWeight), host(p.lnfBias!), eps, 'ln_f');
  const head = p.lmHead ? g.weight(p.lmHead.name, [V, C], p.lmHead.load()) : wte;
  projectOnTable(g, lnf, ids, head, C, V, null, 'logits');
  g.output('logits', 'float32', ['batch_size', 'sequence_length', V]);
  for (const name of presents) g.output(name, 'float32', ['batch_size', H, KEYS, D]);
  for (const name of attentions) g.output(name, 'float32', ['batch_size', H, 'sequence_length', past ? KEYS : 'sequence_length']);
  return g;
}
