// The pre-norm decoder as an ONNX graph, the way Hugging Face Optimum exports a *ForCausalLM: input_ids (B, T) and
// attention_mask (B, P + T) int64 -> logits (B, T, V), optionally attentions.{layer} (B, H, T, P + T). With
// `pastKeyValues`, past_key_values.{layer}.key/value (B, Hkv, P, D) come in and present.{layer}.key/value
// (B, Hkv, P + T, D) go out (keys after the rotary embedding), so decoding runs one token at a time; without, P = 0.
// Standard opset-17 operators only: RMSNorm composed from ReduceMean and Sqrt; rotary embeddings as Slice, Neg, Concat
// and Mul with cos/sin tables gathered at the positions (HF's rotate-half); grouped-query attention by expanding each
// kv head over its query heads (repeat_kv); SwiGLU from Sigmoid and Mul.
// Initializers keep the checkpoint's names (the q|k|v and gate|up matrices the loader stacked carry the stacked name);
// the LM head shares the token embeddings unless the checkpoint has its own. With `weights` 'q4' / 'q8', the matmul
// weights the engine packs (decoderMatmulWeights: the blocks' four products and an untied head) are MatMulNBits nodes,
// and the token table (packed in the engine too) holds the values its packed form stands for, in f32.

import { roundTripWeight } from '../../kernels/matmul/packed.ref';
import { ropeTable } from '../../kernels/rope/rope.ref';
import type { GraphOptions } from '../family';
import { GraphBuilder } from '../onnx/graphBuilder';
import { activation, attentionBias, dimension, layerNorm, linear as linearLayer, matmul, positions, projectOnTable, zeroInt64, type MatmulWeight } from '../onnx/layers';
import type { LazyTensor } from '../params';
import { decoderMatmulWeights, type DecoderBlock, type DecoderParams, type DecoderSpec } from './params';

const KEYS = 'past_sequence_length + sequence_length';

export function decoderOnnx(graphName: string, spec: DecoderSpec, p: DecoderParams<LazyTensor>, options: GraphOptions): GraphBuilder {
  const { C, H, Hkv, D, F, V, P, eps } = spec.dims;
  const A = H * D;
  const g = new GraphBuilder(graphName);
  const host = (tensor: LazyTensor) => g.weight(tensor.name, tensor.shape, tensor.load());
  const loaded = (tensor: LazyTensor) => ({ name: tensor.name, shape: tensor.shape, data: tensor.load() });
  /** Shared constants, created on first use. */
  const ints = (name: string, values: number[]) => (g.has(`decoder.${name}`) ? `decoder.${name}` : g.int64s(`decoder.${name}`, values));
  const scalar = (name: string, value: number) => (g.has(`decoder.${name}`) ? `decoder.${name}` : g.scalar(`decoder.${name}`, value));
  const format = options.weights ?? 'f32';
  const packs = decoderMatmulWeights(spec);
  /** The weight at `path` of the struct (blocks.3.qkvWeight), exported in `format` where the engine packs it. */
  const matmulWeight = (w: LazyTensor, path: string, layout: 'kn' | 'nk'): MatmulWeight => ({ tensor: loaded(w), layout, format: packs(path) ? format : 'f32' });

  /** x (B, T, in) @ w (+ b): one of block l's four products. */
  const linear = (x: string, block: DecoderBlock<LazyTensor>, l: number, product: 'qkv' | 'attnOut' | 'mlpIn' | 'mlpOut', out: string) => {
    const bias = block[`${product}Bias`];
    return linearLayer(g, x, matmulWeight(block[`${product}Weight`], `blocks.${l}.${product}Weight`, spec.weightLayout), bias && loaded(bias), out);
  };
  const norm = (x: string, weight: LazyTensor, bias: LazyTensor | undefined, out: string) => {
    if (spec.dims.norm === 'layernorm') {
      return layerNorm(g, x, loaded(weight), loaded(bias!), eps, out);
    }
    // LlamaRMSNorm: weight · x / sqrt(mean(x²) + eps), in float32.
    const meanSquare = g.op('ReduceMean', [g.op('Mul', [x, x], `${out}.square`)], `${out}.mean_square`, { axes: [-1], keepdims: 1 }); // (B, T, 1)
    const rms = g.op('Sqrt', [g.op('Add', [meanSquare, scalar('rms_norm_eps', eps)], `${out}.variance_eps`)], `${out}.rms`);
    return g.op('Mul', [g.op('Div', [x, rms], `${out}.normalized`), host(weight)], out);
  };

  const ids = g.input('input_ids', 'int64', ['batch_size', 'sequence_length']);
  const mask = g.input('attention_mask', 'int64', ['batch_size', options.pastKeyValues ? KEYS : 'sequence_length']);
  const past = options.pastKeyValues
    ? p.blocks.map((_, l) => ({
        key: g.input(`past_key_values.${l}.key`, 'float32', ['batch_size', Hkv, 'past_sequence_length', D]),
        value: g.input(`past_key_values.${l}.value`, 'float32', ['batch_size', Hkv, 'past_sequence_length', D]),
      }))
    : undefined;

  const pastLength = past ? dimension(g, past[0].key, 2, 'past_length') : zeroInt64(g);
  const totalLength = dimension(g, mask, 1, 'total_length');
  const queries = positions(g, pastLength, totalLength, 'positions'); // (T): P..P+T-1
  const keys = past ? positions(g, zeroInt64(g), totalLength, 'key_positions') : queries; // (P + T)
  // The token table holds the values the engine's packed table stands for (one table for the lookup and a tied head).
  const wte = g.weight(p.tokenEmbeddings.name, p.tokenEmbeddings.shape, format === 'f32' ? p.tokenEmbeddings.load() : roundTripWeight(p.tokenEmbeddings.load(), V, C, 'nk', format));
  let x = g.op('Gather', [wte, ids], 'token_embeddings'); // (B, T, C)
  if (p.positionEmbeddings) {
    x = g.op('Add', [x, g.op('Gather', [host(p.positionEmbeddings), queries], 'position_embeddings')], 'embeddings'); // (B, T, C)
  }
  const bias = attentionBias(g, mask, { queries, keys }); // (B, 1, T, P + T)
  const rotary = spec.rotary ? rotaryAngles(g, spec, P, queries) : undefined;

  /** (B, T, heads·D) -> (B, heads, T, D). */
  const splitHeads = (t: string, heads: number, name: string) =>
    g.op('Transpose', [g.op('Reshape', [t, ints(`heads_shape_${heads}`, [0, 0, heads, D])], `${name}.rows`)], name, { perm: [0, 2, 1, 3] });
  /** Hugging Face's rotate-half on the first R channels of each head of t (B, heads, T, D); the rest passes through. */
  const rotate = (t: string, name: string) => {
    if (!rotary) return t;
    const R = spec.rotary!.dim;
    const slice = (input: string, start: number, end: number, out: string) =>
      g.op('Slice', [input, ints(`slice_start_${start}`, [start]), ints(`slice_end_${end}`, [end]), ints('axis_last', [-1])], out);
    const rotated = R < D ? slice(t, 0, R, `${name}.rotary_part`) : t;
    const half = g.op('Concat', [g.op('Neg', [slice(rotated, R / 2, R, `${name}.second_half`)], `${name}.second_half_negated`), slice(rotated, 0, R / 2, `${name}.first_half`)], `${name}.rotate_half`, { axis: -1 });
    const cos = g.op('Mul', [rotated, rotary.cos], `${name}.times_cos`);
    const sin = g.op('Mul', [half, rotary.sin], `${name}.rotate_half_times_sin`);
    const embedded = g.op('Add', [cos, sin], R < D ? `${name}.rotary_embedded` : `${name}.rotated`);
    return R < D ? g.op('Concat', [embedded, slice(t, R, D, `${name}.pass_part`)], `${name}.rotated`, { axis: -1 }) : embedded;
  };
  /** (B, Hkv, Tk, D) -> (B, H, Tk, D): kv head j serves query heads j·G .. j·G + G - 1 (repeat_kv). */
  const repeatKv = (t: string, name: string) => {
    if (Hkv === H) return t;
    const unsqueezed = g.op('Unsqueeze', [t, ints('axes_2', [2])], `${name}.unsqueezed`); // (B, Hkv, 1, Tk, D)
    const expanded = g.op('Expand', [unsqueezed, ints('kv_repeat', [1, 1, H / Hkv, 1, 1])], `${name}.expanded`); // (B, Hkv, G, Tk, D)
    return g.op('Reshape', [expanded, ints('query_heads_shape', [0, H, -1, D])], name);
  };

  const attentions: string[] = [];
  const presents: string[] = [];
  const attention = (block: DecoderBlock<LazyTensor>, normed: string, at: string, l: number) => {
    const qkv = linear(normed, block, l, 'qkv', `${at}.attn.qkv`); // (B, T, Q)
    const split = ints(`qkv_split_sizes`, [A, Hkv * D, Hkv * D]);
    const [q, k, v] = g.opWithOutputs('Split', [qkv, split], [`${at}.attn.q`, `${at}.attn.k`, `${at}.attn.v`], { axis: 2 });
    const qh = rotate(splitHeads(q, H, `${at}.attn.q_heads`), `${at}.attn.q_heads`); // (B, H, T, D)
    let key = rotate(splitHeads(k, Hkv, `${at}.attn.k_heads`), `${at}.attn.k_heads`); // (B, Hkv, T, D)
    let value = splitHeads(v, Hkv, `${at}.attn.v_heads`);
    if (past) {
      key = g.op('Concat', [past[l].key, key], `${at}.attn.keys`, { axis: 2 }); // (B, Hkv, P + T, D)
      value = g.op('Concat', [past[l].value, value], `${at}.attn.values`, { axis: 2 });
      presents.push(g.op('Identity', [key], `present.${l}.key`), g.op('Identity', [value], `present.${l}.value`));
    }
    const kt = g.op('Transpose', [repeatKv(key, `${at}.attn.keys_per_query_head`)], `${at}.attn.k_transposed`, { perm: [0, 1, 3, 2] }); // (B, H, D, Tk)
    const dots = g.op('MatMul', [qh, kt], `${at}.attn.dots`); // (B, H, T, Tk)
    const scores = g.op('Mul', [dots, scalar('inv_sqrt_head_size', 1 / Math.sqrt(D))], `${at}.attn.scores`);
    const probs = g.op('Softmax', [g.op('Add', [scores, bias], `${at}.attn.masked_scores`)], `${at}.attn.probs`, { axis: -1 }); // (B, H, T, Tk)
    if (options.attentions) attentions.push(g.op('Identity', [probs], `attentions.${l}`));
    const context = g.op('MatMul', [probs, repeatKv(value, `${at}.attn.values_per_query_head`)], `${at}.attn.context_heads`); // (B, H, T, D)
    const merged = g.op('Transpose', [context], `${at}.attn.context_rows`, { perm: [0, 2, 1, 3] }); // (B, T, H, D)
    const rows = g.op('Reshape', [merged, ints('context_shape', [0, 0, A])], `${at}.attn.context`); // (B, T, H·D)
    return linear(rows, block, l, 'attnOut', `${at}.attn.out`); // (B, T, C)
  };
  const mlp = (block: DecoderBlock<LazyTensor>, normed: string, at: string, l: number) => {
    const inner = linear(normed, block, l, 'mlpIn', `${at}.mlp.in`); // (B, T, F) or (B, T, 2F)
    let act: string;
    if (spec.mlp === 'swiglu') {
      const [gate, up] = g.opWithOutputs('Split', [inner, ints('gate_up_split_sizes', [F, F])], [`${at}.mlp.gate`, `${at}.mlp.up`], { axis: 2 });
      const silu = g.op('Mul', [gate, g.op('Sigmoid', [gate], `${at}.mlp.gate_sigmoid`)], `${at}.mlp.silu`);
      act = g.op('Mul', [silu, up], `${at}.mlp.act`);
    } else {
      act = activation(g, spec.dims.activation, inner, `${at}.mlp.act`);
    }
    return linear(act, block, l, 'mlpOut', `${at}.mlp.out`); // (B, T, C)
  };

  p.blocks.forEach((block, l) => {
    const at = `h.${l}`;
    const attnOut = attention(block, norm(x, block.ln1Weight, block.ln1Bias, `${at}.ln_1`), at, l);
    if (spec.parallelResidual) {
      const mlpOut = mlp(block, norm(x, block.ln2Weight, block.ln2Bias, `${at}.ln_2`), at, l);
      x = g.op('Add', [g.op('Add', [x, attnOut], `${at}.residual_attention`), mlpOut], `${at}.residual`);
      return;
    }
    x = g.op('Add', [x, attnOut], `${at}.residual_1`);
    x = g.op('Add', [x, mlp(block, norm(x, block.ln2Weight, block.ln2Bias, `${at}.ln_2`), at, l)], `${at}.residual_2`);
  });

  const lnf = norm(x, p.lnfWeight, p.lnfBias, 'ln_f');
  if (p.lmHead && format !== 'f32') {
    matmul(g, lnf, matmulWeight(p.lmHead, 'lmHead', 'nk'), 'logits'); // (B, T, V)
  } else {
    projectOnTable(g, lnf, ids, p.lmHead ? host(p.lmHead) : wte, C, V, null, 'logits');
  }
  g.output('logits', 'float32', ['batch_size', 'sequence_length', V]);
  for (const name of presents) g.output(name, 'float32', ['batch_size', Hkv, KEYS, D]);
  for (const name of attentions) g.output(name, 'float32', ['batch_size', H, 'sequence_length', past ? KEYS : 'sequence_length']);
  return g;
}

/**
 * cos and sin at the query positions, (1, 1, T, R), each angle repeated over both halves of the rotary channels as
 * Hugging Face's emb = cat(freqs, freqs); from the same float32 table the engine's kernels read.
 */
function rotaryAngles(g: GraphBuilder, spec: DecoderSpec, P: number, queries: string) {
  const { dim: R, base, scale } = spec.rotary!;
  const table = ropeTable({ rotaryDim: R, base, linearFactor: scale, positions: P }); // (P, R/2, 2)
  const repeated = (part: 0 | 1) => {
    const out = new Float32Array(P * R);
    for (let p = 0; p < P; p++) {
      for (let i = 0; i < R / 2; i++) out[p * R + i] = out[p * R + i + R / 2] = table[(p * R / 2 + i) * 2 + part];
    }
    return out;
  };
  const gathered = (name: string, part: 0 | 1) => {
    const rows = g.op('Gather', [g.weight(`rotary.${name}`, [P, R], repeated(part)), queries], `rotary.${name}_rows`); // (T, R)
    return g.op('Unsqueeze', [rows, g.int64s(`rotary.${name}_axes`, [0, 1])], `rotary.${name}_at_positions`); // (1, 1, T, R)
  };
  return { cos: gathered('cos', 0), sin: gathered('sin', 1) };
}
