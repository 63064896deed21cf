// An attention row: our kernel on packed q | k | v rows (upload, one dispatch, read back the context) against the
// same attention written as ONNX operators.

import { attention } from '../kernels/attention/attention';
import { type BenchCase, type BenchContext, ortRuns, randomFloats } from './benchCase';
import { attentionGraph } from './opGraphs';
import type { AttentionShape } from './shapes';

export async function attentionCase(context: BenchContext, shape: AttentionShape): Promise<BenchCase> {
  const { gpu, ort } = context;
  const { T, H, D, causal } = shape;
  const C = H * D;
  const qkvData = randomFloats(T * 3 * C, 3);
  const qkv = gpu.tensor([T, 3 * C], 'f32', 'qkv');
  const out = gpu.tensor([T, C], 'f32', 'context');
  const mask = new ort.Tensor('int64', new BigInt64Array(T).fill(1n), [1, T]);
  const feeds = () => ({ qkv: new ort.Tensor('float32', qkvData, [1, T, 3 * C]), attention_mask: mask });
  const peer = await ortRuns(context, attentionGraph(shape), feeds, 'context');
  return {
    group: 'attention',
    name: `attention T=${T} H=${H} D=${D}${causal ? ' causal' : ''}`,
    flops: 4 * T * T * C,
    perRun: 1,
    ours: async () => {
      gpu.write(qkv, qkvData);
      const rec = gpu.recorder('bench.attention');
      attention(rec, {
        q: qkv, k: qkv, v: qkv, out, B: 1, Tq: T, Tk: T, H, D, causal, qOffset: 0,
        qStride: 3 * C, kvStride: 3 * C, qCol: 0, kCol: C, vCol: 2 * C,
      });
      const result = rec.read(out);
      await rec.submit();
      return result;
    },
    ort: peer.runs,
    dispose: async () => {
      [qkv, out].forEach((tensor) => gpu.release(tensor));
      await peer.release();
    },
  };
}
