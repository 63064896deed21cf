// Matmul and attention rows: our kernels through the GPU backend (upload, one dispatch, read back) against a
// one-operation ONNX graph (the same upload and read back inside session.run).

import type { Tensor } from '../gpu';
import type { Backend } from '../models/backend';
import { createGpuBackend } from '../models/gpuBackend';
import { type BenchCase, type BenchContext, ortRuns, randomFloats } from './benchCase';
import { attentionGraph, matmulGraph } from './opGraphs';
import type { AttentionShape, MatmulShape } from './shapes';

async function readBack(backend: Backend<Tensor>, out: Tensor): Promise<Float32Array> {
  const data = backend.read(out);
  await backend.flush();
  return data;
}

export async function matmulCase(context: BenchContext, shape: MatmulShape): Promise<BenchCase> {
  const { gpu, ort } = context;
  const { M, K, N } = shape;
  const backend = createGpuBackend(gpu, 'bench.matmul');
  const xData = randomFloats(M * K, 1);
  const wData = randomFloats(K * N, 2, 1 / Math.sqrt(K));
  const x = backend.alloc([M, K], 'x');
  const w = backend.fromFloats(wData, [K, N], 'w');
  const out = backend.alloc([M, N], 'y');
  const peer = await ortRuns(context, matmulGraph(shape, wData), () => ({ x: new ort.Tensor('float32', xData, [M, K]) }), 'y');
  return {
    group: 'matmul',
    name: `matmul ${M}x${K}x${N}`,
    flops: 2 * M * K * N,
    perRun: 1,
    note: shape.use,
    ours: () => {
      gpu.write(x, xData);
      backend.matmul({ x, w, out, M, N, K, wLayout: 'kn' });
      return readBack(backend, out);
    },
    ort: peer.runs,
    dispose: async () => {
      [x, w, out].forEach((tensor) => backend.free(tensor));
      await peer.release();
    },
  };
}

export async function attentionCase(context: BenchContext, shape: AttentionShape): Promise<BenchCase> {
  const { gpu, ort } = context;
  const { T, H, D, causal } = shape;
  const C = H * D;
  const backend = createGpuBackend(gpu, 'bench.attention');
  const qkvData = randomFloats(T * 3 * C, 3);
  const qkv = backend.alloc([T, 3 * C], 'qkv');
  const out = backend.alloc([T, C], 'context');
  const mask = new ort.Tensor('int64', new BigInt64Array(T).fill(1n), [1, T]);
  const peer = await ortRuns(context, attentionGraph(shape), () => ({ qkv: new ort.Tensor('float32', qkvData, [1, T, 3 * C]), attention_mask: mask }), 'context');
  return {
    group: 'attention',
    name: `attention T=${T} H=${H} D=${D}${causal ? ' causal' : ''}`,
    flops: 4 * T * T * C,
    perRun: 1,
    ours: () => {
      gpu.write(qkv, qkvData);
      backend.attention({ qkv, out, Tq: T, Tk: T, H, D, causal, qOffset: 0 });
      return readBack(backend, out);
    },
    ort: peer.runs,
    dispose: async () => {
      [qkv, out].forEach((tensor) => backend.free(tensor));
      await peer.release();
    },
  };
}
