// Single-operation ONNX graphs for the kernel rows: the same work our kernels do, for onnxruntime-web to run.

import { GraphBuilder } from '../models/onnx/graphBuilder';
import { attentionBias, dimension, positions, selfAttention, zeroInt64 } from '../models/onnx/layers';
import type { AttentionShape, MatmulShape } from './shapes';

/** y (M, N) = x (M, K) @ w (K, N), w an initializer. */
export function matmulGraph({ M, K, N }: MatmulShape, w: Float32Array): Uint8Array {
  const g = new GraphBuilder('matmul');
  const x = g.input('x', 'float32', [M, K]);
  g.op('MatMul', [x, g.weight('w', [K, N], w)], 'y');
  g.output('y', 'float32', [M, N]);
  return g.encode(`matmul ${M}x${K}x${N}`);
}

/** context (1, T, C) of multi-head attention over packed q | k | v rows (1, T, 3C), every key unmasked. */
export function attentionGraph({ T, H, D, causal }: AttentionShape): Uint8Array {
  const g = new GraphBuilder('attention');
  const qkv = g.input('qkv', 'float32', [1, T, 3 * H * D]);
  const mask = g.input('attention_mask', 'int64', [1, T]);
  const position = positions(g, zeroInt64(g), dimension(g, mask, 1, 'sequence_length'), 'positions');
  const bias = attentionBias(g, mask, causal ? { queries: position, keys: position } : null);
  const { context } = selfAttention(g, qkv, bias, H, D, 'attn');
  g.output(g.op('Identity', [context], 'context'), 'float32', [1, T, H * D]);
  return g.encode(`attention T=${T} H=${H} D=${D}${causal ? ' causal' : ''}`);
}
