// The Backend on the kernels' CPU references: the path that runs where WebGPU is missing (slowly, small models),
// and a second implementation the GPU backend is compared against in tests.

import { addRef } from '../kernels/add/add.ref';
import { attentionRef } from '../kernels/attention/attention.ref';
import { embeddingRef } from '../kernels/embedding/embedding.ref';
import { layernormRef } from '../kernels/layernorm/layernorm.ref';
import { matmulRef } from '../kernels/matmul/matmul.ref';
import { roundTripWeight, type WeightFormat } from '../kernels/matmul/packed.ref';
import { rmsnormRef } from '../kernels/rmsnorm/rmsnorm.ref';
import { ropeRef } from '../kernels/rope/rope.ref';
import { argmaxRef, sampleRef, topKRef } from '../kernels/sampling/sampling.ref';
import { copyRowsRef } from '../kernels/copyRows/copyRows.ref';
import { swigluRef } from '../kernels/swiglu/swiglu.ref';
import { attentionLayout, type Backend } from './backend';

export interface CpuBuffer {
  label: string;
  floats?: Float32Array;
  ints?: Uint32Array;
}

function floats(buf: CpuBuffer): Float32Array {
  if (!buf.floats) throw new Error(`${buf.label} holds integers, not floats`);
  return buf.floats;
}

function ints(buf: CpuBuffer): Uint32Array {
  if (!buf.ints) throw new Error(`${buf.label} holds floats, not integers`);
  return buf.ints;
}

/**
 * `weights`: the format matmul weights are stored in on the GPU; here they keep f32 arrays holding the values that
 * format stands for (packed, then unpacked), so both paths compute with the same weights.
 */
export function createCpuBackend(options: { weights?: WeightFormat } = {}): Backend<CpuBuffer> {
  return {
    name: 'cpu',
    weights: options.weights ?? 'f32',
    alloc: (shape, label) => ({ label, floats: new Float32Array(shape.reduce((a, b) => a * b, 1)) }),
    fromFloats: (data, _shape, label) => ({ label, floats: data }),
    fromWeight: (data, shape, layout, label) => {
      const [N, K] = layout === 'nk' ? shape : [shape[1], shape[0]];
      return { label, floats: roundTripWeight(data, N, K, layout, options.weights ?? 'f32') };
    },
    fromInts: (data, label) => ({ label, ints: data }),
    compileAhead: async () => 0,
    free: () => undefined,
    embedding: (a) => {
      if (!a.wpe) {
        // Rotary models: the token rows alone (positions enter q and k).
        const [wte, out] = [floats(a.wte), floats(a.out)];
        ints(a.ids).forEach((id, t) => out.set(wte.subarray(id * a.C, (id + 1) * a.C), t * a.C));
        return;
      }
      embeddingRef({
        ids: ints(a.ids), wte: floats(a.wte), wpe: floats(a.wpe), typeIds: a.typeIds && ints(a.typeIds),
        wtt: a.wtt && floats(a.wtt), positionIds: a.positionIds && ints(a.positionIds), out: floats(a.out), T: a.T, C: a.C, positionOffset: a.positionOffset,
      });
    },
    layernorm: (a) =>
      layernormRef({ x: floats(a.x), gamma: floats(a.gamma), beta: floats(a.beta), out: floats(a.out), rows: a.rows, C: a.C, eps: a.eps }),
    rmsnorm: (a) => rmsnormRef({ x: floats(a.x), weight: floats(a.weight), out: floats(a.out), rows: a.rows, C: a.C, eps: a.eps }),
    matmul: (a) =>
      matmulRef({
        x: floats(a.x), w: floats(a.w), bias: a.bias && floats(a.bias), out: floats(a.out), M: a.M, N: a.N, K: a.K,
        wLayout: a.wLayout, activation: a.activation, xRowOffset: a.xRowOffset, outOffset: (a.outRowOffset ?? 0) * a.N,
        wRowOffset: a.wRowOffset, biasOffset: a.wRowOffset,
      }),
    attention: (a) => {
      const { q, k, v, ...layout } = attentionLayout(a);
      attentionRef({
        q: floats(q), k: floats(k), v: floats(v), out: floats(a.out), probs: a.probs && floats(a.probs), keyMask: a.keyMask && ints(a.keyMask),
        B: 1, Tq: a.Tq, Tk: a.Tk, H: a.H, D: a.D, causal: a.causal, qOffset: a.qOffset, ...layout,
      });
    },
    rope: (a) => ropeRef({ ...a, x: floats(a.x), table: floats(a.table) }),
    swiglu: ({ gateUp, out, rows, F }) => {
      const fused = floats(gateUp);
      swigluRef({ gate: fused, up: fused, out: floats(out), rows, F, inStride: 2 * F, upCol: F });
    },
    add: (a) => addRef({ a: floats(a.a), b: floats(a.b), out: floats(a.out), n: a.n }),
    copyRows: (a) => copyRowsRef({ ...a, src: floats(a.src), dst: floats(a.dst) }),
    sample: async ({ logits, V, temperature, topK, topP, uniform }) => {
      if (temperature === 0) {
        const out = new Uint32Array(1);
        argmaxRef({ logits: floats(logits), V, out });
        return out[0];
      }
      return sampleRef({ logits: floats(logits), V, temperature, topK, topP, uniform });
    },
    topProbabilities: async ({ logits, V, k }) => {
      const probs = new Float32Array(k);
      const ids = new Uint32Array(k);
      topKRef({ logits: floats(logits), V, k, probs, ids });
      return { ids: [...ids], probs: [...probs] };
    },
    read: async (buf, offset = 0, count) => {
      const data = floats(buf);
      return data.slice(offset, count === undefined ? undefined : offset + count);
    },
    flush: async () => undefined,
  };
}
