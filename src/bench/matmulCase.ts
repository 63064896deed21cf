// A matmul row: our kernel (upload x, one dispatch, read back) against a one-MatMul ONNX graph (the same upload and
// read back inside session.run).

import { matmul } from '../kernels/matmul/matmul';
import { type BenchCase, type BenchContext, ortRuns, randomFloats } from './benchCase';
import { matmulGraph } from './opGraphs';
import type { MatmulShape } from './shapes';

export async function matmulCase(context: BenchContext, shape: MatmulShape): Promise<BenchCase> {
  const { gpu, ort } = context;
  const { M, K, N } = shape;
  const xData = randomFloats(M * K, 1);
  const wData = randomFloats(K * N, 2, 1 / Math.sqrt(K));
  const x = gpu.tensor([M, K], 'f32', 'x');
  const w = gpu.tensor([K, N], 'f32', 'w');
  const out = gpu.tensor([M, N], 'f32', 'y');
  gpu.write(w, wData);
  const peer = await ortRuns(context, matmulGraph(shape, wData), () => ({ x: new ort.Tensor('float32', xData, [M, K]) }), 'y');
  return {
    group: 'matmul',
    name: `matmul ${M}x${K}x${N}`,
    flops: 2 * M * K * N,
    perRun: 1,
    note: shape.use,
    ours: async () => {
      gpu.write(x, xData);
      const rec = gpu.recorder('bench.matmul');
      matmul(rec, { x, w, out, M, N, K, wLayout: 'kn' });
      const result = rec.read(out);
      await rec.submit();
      return result;
    },
    ort: peer.runs,
    dispose: async () => {
      [x, w, out].forEach((tensor) => gpu.release(tensor));
      await peer.release();
    },
  };
}
