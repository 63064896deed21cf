// The Backend on the WGSL kernels: every op records a dispatch into the current Recorder (one command encoder);
// `flush()` submits once and resolves the scheduled reads.
//
// Tables larger than one storage binding (GPT-2's 50257 x 768 f32 embedding is 154 MB) are stored in f16 where the
// device has shader-f16; otherwise they stay whole in one buffer, the vocabulary projection runs in chunks of rows
// that each fit a binding, and the token lookup gathers its T rows on the host from the weights already in memory.
//
// Matmul weights (fromWeight) are stored in the backend's weight format: f32 as given, or packed (half floats, 8-bit or
// 4-bit blocks: kernels/matmul/packed.ts), then always (N, K) and bound whole, which the kernels dequantize as they load.

import type { Gpu, Recorder, Tensor } from '../gpu';
import { add } from '../kernels/add/add';
import { attention } from '../kernels/attention/attention';
import { copyRows } from '../kernels/copyRows/copyRows';
import { embedding } from '../kernels/embedding/embedding';
import { layernorm } from '../kernels/layernorm/layernorm';
import { matmul } from '../kernels/matmul/matmul';
import { packedInfo, uploadPacked, type PackedInfo } from '../kernels/matmul/packed';
import { bytesPerWeight, packingProblem, packWeight, type WeightFormat } from '../kernels/matmul/packed.ref';
import { rmsnorm } from '../kernels/rmsnorm/rmsnorm';
import { rope } from '../kernels/rope/rope';
import { argmax, sample, topK } from '../kernels/sampling/sampling';
import { swiglu } from '../kernels/swiglu/swiglu';
import { attentionLayout, type Backend, type MatmulArgs } from './backend';

export interface GpuBackendOptions {
  /** Largest buffer one binding may cover; the device's maxStorageBufferBindingSize unless lowered (tests). */
  maxBindingBytes?: number;
  /** How matmul weights are stored (fromWeight): 'f32' (default) or packed; a weight whose K does not suit stays f32. */
  weights?: WeightFormat;
}

export function createGpuBackend(gpu: Gpu, label = 'forward', options: GpuBackendOptions = {}): Backend<Tensor> {
  const bindingLimit = Math.min(options.maxBindingBytes ?? Infinity, gpu.info.limits.maxStorageBufferBindingSize);
  /** Oversized tables, kept on the host too, for the token lookup. */
  const hostTables = new WeakMap<Tensor, Float32Array>();
  /** Token ids as uploaded, for host-side lookups. */
  const hostIds = new WeakMap<Tensor, Uint32Array>();
  /** Temporary tensors of the current recording, released once it has run. */
  const releaseAfterFlush: Tensor[] = [];
  /** Makes the recorder of each recording: the Gpu's, or a compileAhead dry run's. */
  let newRecorder = (name: string): Recorder => gpu.recorder(name);
  let rec: Recorder = newRecorder(label);

  function uploadFloats(data: Float32Array, shape: number[], name: string): Tensor {
    const storeHalf = data.byteLength > bindingLimit && gpu.hasF16 && data.byteLength / 2 <= bindingLimit;
    const tensor = gpu.tensor(shape, storeHalf ? 'f16' : 'f32', name);
    gpu.write(tensor, data);
    if (data.byteLength > bindingLimit && !storeHalf) hostTables.set(tensor, data);
    return tensor;
  }

  function uploadInts(data: Uint32Array, name: string): Tensor {
    const tensor = gpu.tensor([data.length], 'u32', name);
    gpu.write(tensor, data);
    hostIds.set(tensor, data);
    return tensor;
  }

  /** out rows [outRowOffset, +M) = x · wᵀ (+ bias), splitting an oversized (N, K) weight into chunks of rows. */
  function matmulInChunks(a: MatmulArgs<Tensor>) {
    const { N, K, outRowOffset = 0, wRowOffset = 0 } = a;
    if (wRowOffset !== 0 && a.wLayout !== 'nk') throw new Error('matmul: wRowOffset selects output rows of an (N, K) weight only');
    // A packed weight is stored (N, K) whatever layout it came in, and is small enough to be bound whole.
    const packed = packedInfo(a.w) !== undefined;
    const wLayout = packed ? 'nk' : a.wLayout;
    const rowBytes = K * (a.w.dtype === 'f16' ? 2 : 4);
    const chunkRows = a.wLayout === 'nk' && !packed ? Math.max(4, Math.floor(bindingLimit / rowBytes / 4) * 4 - 4) : N;
    for (let start = 0; start < N; start += chunkRows) {
      const rows = Math.min(chunkRows, N - start);
      matmul(rec, {
        ...a, wLayout, N: rows, wRowOffset: wRowOffset + start, biasOffset: wRowOffset + start, outStride: N, outOffset: outRowOffset * N + start,
      });
    }
  }

  /**
   * Whole rows of a packed (N, K) weight as the values it stands for (a packed token table's rows, for the trace):
   * gathered by the embedding kernel, which reads packed tables, with no position added.
   */
  function readPackedRows(tensor: Tensor, packed: PackedInfo, offset: number, count: number): Promise<Float32Array> {
    const { K } = packed;
    if (packed.transposed || offset % K !== 0 || count % K !== 0) {
      throw new Error(`${tensor.label} is a packed weight: only whole rows of a table packed as (rows, ${K}) can be read back.`);
    }
    const rows = count / K;
    const ids = uploadInts(Uint32Array.from({ length: rows }, (_, r) => offset / K + r), `${tensor.label}.row_ids`);
    const out = gpu.tensor([rows, K], 'f32', `${tensor.label}.rows`);
    embedding(rec, { ids, wte: tensor, ...positionsOf({ T: rows, C: K }), out, T: rows, C: K, positionOffset: 0 });
    releaseAfterFlush.push(ids, out);
    return rec.read(out as Tensor<'f32'>);
  }

  function uploadWeight(data: Float32Array, shape: number[], layout: 'kn' | 'nk', name: string): Tensor {
    const format = options.weights ?? 'f32';
    const [N, K] = layout === 'nk' ? shape : [shape[1], shape[0]];
    // Packed weights are bound whole: one larger than a binding (a huge vocabulary in f16) stays f32, in chunks.
    if (format === 'f32' || packingProblem(K, format) || N * K * bytesPerWeight(format) > bindingLimit) return uploadFloats(data, shape, name);
    return uploadPacked(gpu, packWeight(data, N, K, layout, format), name);
  }

  /**
   * Without a position table (rotary models): the embedding kernel always adds one, so it adds row 0 of a one-row
   * zero table at every position, exactly 0.
   */
  function positionsOf(a: { wpe?: Tensor; positionIds?: Tensor; T: number; C: number }): { wpe: Tensor; positionIds?: Tensor } {
    if (a.wpe) return { wpe: a.wpe, positionIds: a.positionIds };
    const zero = uploadFloats(new Float32Array(a.C), [1, a.C], 'no_position_embeddings');
    const positionIds = uploadInts(new Uint32Array(a.T), 'position_ids_zero');
    releaseAfterFlush.push(zero, positionIds);
    return { wpe: zero, positionIds };
  }

  return {
    name: 'webgpu',
    weights: options.weights ?? 'f32',
    alloc: (shape, name) => gpu.tensor(shape, 'f32', name),
    fromFloats: uploadFloats,
    fromWeight: uploadWeight,
    fromInts: uploadInts,
    free: (tensor) => gpu.release(tensor),
    embedding: (a) => {
      const table = hostTables.get(a.wte);
      if (!table) return embedding(rec, { ...a, ...positionsOf(a) });
      const ids = hostIds.get(a.ids)!;
      const gathered = new Float32Array(a.T * a.C); // (T, C) rows of the table for these tokens
      ids.forEach((id, t) => gathered.set(table.subarray(id * a.C, (id + 1) * a.C), t * a.C));
      const rows = uploadFloats(gathered, [a.T, a.C], 'gathered_wte');
      const positions = uploadInts(Uint32Array.from({ length: a.T }, (_, t) => t), 'gathered_ids');
      embedding(rec, { ...a, ...positionsOf(a), wte: rows, ids: positions });
      releaseAfterFlush.push(rows, positions);
    },
    layernorm: (a) => layernorm(rec, a),
    rmsnorm: (a) => rmsnorm(rec, a),
    matmul: matmulInChunks,
    attention: (a) => {
      attention(rec, {
        ...attentionLayout(a), out: a.out, probs: a.probs, keyMask: a.keyMask,
        B: 1, Tq: a.Tq, Tk: a.Tk, H: a.H, D: a.D, causal: a.causal, qOffset: a.qOffset,
      });
    },
    rope: (a) => rope(rec, a),
    swiglu: ({ gateUp, out, rows, F }) => swiglu(rec, { gate: gateUp, up: gateUp, out, rows, F, inStride: 2 * F, upCol: F }),
    add: (a) => add(rec, a),
    copyRows: (a) => copyRows(rec, a),
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
    compileAhead: (run) =>
      gpu.compileAhead(async (dryRecorder) => {
        const live = newRecorder;
        newRecorder = dryRecorder;
        rec = dryRecorder(label);
        try {
          await run();
        } finally {
          newRecorder = live;
          rec = live(label);
        }
      }),
    read: (tensor, offset = 0, count) => {
      const packed = packedInfo(tensor);
      return packed ? readPackedRows(tensor, packed, offset, count ?? packed.N * packed.K - offset) : rec.read(tensor as Tensor<'f32'>, offset, count);
    },
    flush: async () => {
      const submitted = rec;
      rec = newRecorder(label);
      await submitted.submit();
      releaseAfterFlush.splice(0).forEach((tensor) => gpu.release(tensor));
    },
  };
}
