// A matmul row: our kernel (upload x, one dispatch, read back) against a one-MatMul ONNX graph (the same upload and
// read back inside session.run).

import { matmul } from '../kernels/matmul/matmul';
import { type BenchCase, type BenchContext, ortRuns, randomFloats } from './benchCase';
import { matmulGraph } from './opGraphs';
import type { MatmulShape } from './shapes';

export async function matmulCase(context: BenchContext, shape: MatmulShape): Promise<BenchCase> {
  const { gpu, ort } = context;
  const { M, K, N, wLayout = 'kn' } = shape;
  const xData = randomFloats(M * K, 1);
  const wData = randomFloats(K * N, 2, 1 / Math.sqrt(K)); // (K, N), or (N, K) for 'nk'
  const x = gpu.tensor([M, K], 'f32', 'x');
  const w = gpu.tensor(wLayout === 'kn' ? [K, N] : [N, K], 'f32', 'w');
  const out = gpu.tensor([M, N], 'f32', 'y');
  gpu.write(w, wData);
  // ORT's MatMul takes (K, N): an 'nk' weight goes to it transposed (its preferred layout, as an exporter would).
  const peer = await ortRuns(context, matmulGraph(shape, wLayout === 'kn' ? wData : transpose(wData, N, K)), () => ({ x: new ort.Tensor('float32', xData, [M, K]) }), 'y');
  return {
    group: 'matmul',
    name: `matmul ${M}x${K}x${N}${wLayout === 'nk' ? ' (w as N x K)' : ''}`,
    flops: 2 * M * K * N,
    bytes: M < 8 ? 4 * K * N : undefined, // a matrix-vector product is bound by reading w
    perRun: 1,
    note: shape.use,
    ours: async () => {
      gpu.write(x, xData);
      const rec = gpu.recorder('bench.matmul');
      matmul(rec, { x, w, out, M, N, K, wLayout });
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

/** (rows, cols) -> (cols, rows). */
function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c];
  return out;
}
