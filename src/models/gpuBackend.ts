// The Backend on the WGSL kernels: every op records a dispatch into the current Recorder (one command encoder);
// `flush()` submits once and resolves the scheduled reads.

import type { Gpu, Recorder, Tensor } from '../gpu';
import { add } from '../kernels/add/add';
import { attention } from '../kernels/attention/attention';
import { embedding } from '../kernels/embedding/embedding';
import { layernorm } from '../kernels/layernorm/layernorm';
import { matmul } from '../kernels/matmul/matmul';
import { argmax, sample, topK } from '../kernels/sampling/sampling';
import type { Backend } from './backend';

export function createGpuBackend(gpu: Gpu, label = 'forward'): Backend<Tensor> {
  let rec: Recorder = gpu.recorder(label);
  return {
    name: 'webgpu',
    alloc: (shape, name) => gpu.tensor(shape, 'f32', name),
    fromFloats: (data, shape, name) => {
      const tensor = gpu.tensor(shape, 'f32', name);
      gpu.write(tensor, data);
      return tensor;
    },
    fromInts: (data, name) => {
      const tensor = gpu.tensor([data.length], 'u32', name);
      gpu.write(tensor, data);
      return tensor;
    },
    free: (tensor) => gpu.release(tensor),
    embedding: (a) => embedding(rec, a),
    layernorm: (a) => layernorm(rec, a),
    matmul: (a) => matmul(rec, { ...a, outOffset: (a.outRowOffset ?? 0) * a.N }),
    attention: (a) => {
      const C = a.H * a.D;
      attention(rec, {
        q: a.qkv, k: a.qkv, v: a.qkv, out: a.out, probs: a.probs, keyMask: a.keyMask,
        B: 1, Tq: a.Tq, Tk: a.Tk, H: a.H, D: a.D, causal: a.causal, qOffset: a.qOffset,
        qStride: 3 * C, kvStride: 3 * C, qCol: a.qOffset * 3 * C, kCol: C, vCol: 2 * C,
      });
    },
    add: (a) => add(rec, a),
    sample: async ({ logits, V, temperature, topK: k, topP, uniform }) => {
      const out = gpu.tensor([1], 'u32', 'next_token');
      if (temperature === 0) argmax(rec, { logits, V, out });
      else sample(rec, { logits, V, temperature, topK: k, topP, uniform, out });
      const [id] = await rec.read(out); // resolves after flush()
      gpu.release(out);
      return id;
    },
    topProbabilities: async ({ logits, V, k }) => {
      const probs = gpu.tensor([k], 'f32', 'top_probs');
      const ids = gpu.tensor([k], 'u32', 'top_ids');
      topK(rec, { logits, V, k, probs, ids });
      const [probValues, idValues] = await Promise.all([rec.read(probs), rec.read(ids)]); // after flush()
      gpu.release(probs);
      gpu.release(ids);
      return { probs: [...probValues], ids: [...idValues] };
    },
    read: (tensor, offset = 0, count) => rec.read(tensor as Tensor<'f32'>, offset, count),
    flush: async () => {
      const submitted = rec;
      rec = gpu.recorder(label);
      await submitted.submit();
    },
  };
}
