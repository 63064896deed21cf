// The benchmark's one-operation graphs compute what our kernels compute: ORT wasm against the CPU references.
import * as ort from 'onnxruntime-web';
import { expect, it } from 'vitest';
import { attentionRef } from '../kernels/attention/attention.ref';
import { matmulRef } from '../kernels/matmul/matmul.ref';
import { createOrtSession } from '../onnx/ortSession';
import { randomFloats } from './benchCase';
import { attentionGraph, matmulGraph } from './opGraphs';
import { relativeMaxDiff } from './timing';

ort.env.wasm.numThreads = 1;

it('matmulGraph: x @ w', async () => {
  const [M, K, N] = [3, 16, 10];
  const x = randomFloats(M * K, 1);
  const w = randomFloats(K * N, 2);
  const expected = new Float32Array(M * N);
  matmulRef({ x, w, out: expected, M, N, K, wLayout: 'kn' });
  const session = await createOrtSession(ort, matmulGraph({ M, K, N, use: 'test' }, w), 'wasm');
  const { y } = await session.run({ x: new ort.Tensor('float32', x, [M, K]) });
  expect(relativeMaxDiff(y.data as Float32Array, expected)).toBeLessThan(1e-6);
});

it.each([false, true])('attentionGraph (causal %s): packed q | k | v to the context rows', async (causal) => {
  const [T, H, D] = [5, 2, 4];
  const C = H * D;
  const qkv = randomFloats(T * 3 * C, 3);
  const expected = new Float32Array(T * C);
  attentionRef({ q: qkv, k: qkv, v: qkv, out: expected, B: 1, Tq: T, Tk: T, H, D, causal, qStride: 3 * C, kvStride: 3 * C, qCol: 0, kCol: C, vCol: 2 * C });
  const session = await createOrtSession(ort, attentionGraph({ T, H, D, causal }), 'wasm');
  const { context } = await session.run({
    qkv: new ort.Tensor('float32', qkv, [1, T, 3 * C]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(T).fill(1n), [1, T]),
  });
  expect(relativeMaxDiff(context.data as Float32Array, expected)).toBeLessThan(1e-5);
});
