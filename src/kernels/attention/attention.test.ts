import { describe, expect, it } from 'vitest';
import { maxAbsDiff, randomArray, report, testGpu, upload } from '../testing';
import { ATTENTION_KERNELS, attention, attentionKernel } from './attention';
import { attentionRef, type AttentionArgs } from './attention.ref';

// packed: one (B·T, (H + 2·Hkv)·D) q|k|v tensor; separate: q (B·Tq, H·D), k and v (B·Tk, Hkv·D); cache: k and v
// (B·P, Hkv·D) apiece with spare rows; kv-cache: one (B·P, 2·Hkv·D) k|v tensor holding only the kv heads, beside q.
type Layout = 'packed' | 'separate' | 'cache' | 'kv-cache';
interface Case {
  name: string;
  B: number;
  Tq: number;
  Tk: number;
  H: number;
  Hkv?: number;
  D: number;
  causal: boolean;
  qOffset?: number;
  layout: Layout;
  withProbs: boolean;
  padding?: 'some' | 'all-of-batch-0';
}

// Three kernels: 'flash' (one invocation per query, 64 queries per workgroup, online softmax), 'row' (64
// invocations per query) and 'split' (16-key chunks per invocation, then a merge of their softmax statistics), picked
// by attentionKernel. Every case runs with each, so partly filled query tiles, masks, offsets and the scalar and vec4
// loads meet every layout; the split kernel writes no probabilities, so its runs check the output alone.

const cases: Case[] = [
  { name: 'single token', B: 1, Tq: 1, Tk: 1, H: 1, D: 1, causal: true, layout: 'packed', withProbs: true },
  { name: 'GPT-2 prefill, packed qkv', B: 1, Tq: 17, Tk: 17, H: 3, D: 5, causal: true, layout: 'packed', withProbs: true },
  { name: 'GPT-2 packed, no probs', B: 2, Tq: 65, Tk: 65, H: 2, D: 3, causal: true, layout: 'packed', withProbs: false },
  { name: 'BERT with padding', B: 2, Tq: 13, Tk: 13, H: 2, D: 8, causal: false, layout: 'separate', withProbs: true, padding: 'some' },
  { name: 'all keys padded', B: 2, Tq: 3, Tk: 3, H: 1, D: 4, causal: false, layout: 'separate', withProbs: true, padding: 'all-of-batch-0' },
  { name: 'KV-cache decode', B: 1, Tq: 1, Tk: 65, H: 4, D: 16, causal: true, qOffset: 64, layout: 'cache', withProbs: true },
  { name: 'KV-cache chunk', B: 2, Tq: 3, Tk: 17, H: 2, D: 7, causal: true, qOffset: 14, layout: 'cache', withProbs: false },
  { name: 'long context', B: 1, Tq: 2, Tk: 1024, H: 1, D: 64, causal: true, qOffset: 1022, layout: 'cache', withProbs: true },
  { name: 'long square', B: 1, Tq: 129, Tk: 129, H: 2, D: 3, causal: true, layout: 'packed', withProbs: true },
  // vec4 loads (D, strides and offsets multiples of 4) at odd tile remainders
  { name: 'GPT-2 vec4 packed', B: 1, Tq: 67, Tk: 67, H: 3, D: 64, causal: true, layout: 'packed', withProbs: true },
  { name: 'BERT vec4 with padding', B: 2, Tq: 37, Tk: 37, H: 3, D: 32, causal: false, layout: 'separate', withProbs: true, padding: 'some' },
  { name: 'causal with padding', B: 2, Tq: 19, Tk: 19, H: 2, D: 12, causal: true, layout: 'separate', withProbs: true, padding: 'some' },
  { name: 'KV-cache prefill after a cached prefix', B: 1, Tq: 21, Tk: 50, H: 2, D: 16, causal: true, qOffset: 29, layout: 'cache', withProbs: true },
  { name: 'KV-cache batched decode with padding', B: 2, Tq: 1, Tk: 33, H: 2, D: 8, causal: true, qOffset: 32, layout: 'cache', withProbs: true, padding: 'some' },
  { name: 'largest head', B: 1, Tq: 5, Tk: 70, H: 1, D: 256, causal: true, qOffset: 65, layout: 'cache', withProbs: true },
  { name: 'long decode', B: 1, Tq: 1, Tk: 1000, H: 2, D: 32, causal: true, qOffset: 999, layout: 'cache', withProbs: false },
  // grouped-query attention: query head h reads kv head floor(h / (H / Hkv))
  { name: 'GQA 4 heads on 2, packed prefill', B: 1, Tq: 17, Tk: 17, H: 4, Hkv: 2, D: 5, causal: true, layout: 'packed', withProbs: true },
  { name: 'GQA 8 heads on 1, packed vec4', B: 2, Tq: 67, Tk: 67, H: 8, Hkv: 1, D: 16, causal: true, layout: 'packed', withProbs: true },
  { name: 'GQA 4 heads on 2, separate with padding', B: 2, Tq: 13, Tk: 13, H: 4, Hkv: 2, D: 8, causal: false, layout: 'separate', withProbs: true, padding: 'some' },
  { name: 'GQA 8 heads on 1, k|v cache decode', B: 1, Tq: 1, Tk: 65, H: 8, Hkv: 1, D: 16, causal: true, qOffset: 64, layout: 'kv-cache', withProbs: true },
  { name: 'GQA 4 heads on 2, k|v cache chunk with padding', B: 2, Tq: 3, Tk: 17, H: 4, Hkv: 2, D: 7, causal: true, qOffset: 14, layout: 'kv-cache', withProbs: true, padding: 'some' },
  { name: 'GQA 6 heads on 3, separate cache', B: 1, Tq: 21, Tk: 50, H: 6, Hkv: 3, D: 12, causal: true, qOffset: 29, layout: 'cache', withProbs: true },
  { name: 'GQA 4 heads on 2, long k|v cache decode', B: 1, Tq: 1, Tk: 1000, H: 4, Hkv: 2, D: 32, causal: true, qOffset: 999, layout: 'kv-cache', withProbs: false },
];

const CACHE_CAPACITY_EXTRA = 5;

describe('attention', () => {
  it('runs the row kernel only where a few queries see many keys, and the split kernel for long decodes on GPUs', () => {
    expect(attentionKernel(128, 128)).toBe('flash');
    expect(attentionKernel(3, 17)).toBe('flash');
    expect(attentionKernel(1, 40)).toBe('flash');
    expect(attentionKernel(1, 65)).toBe('row');
    expect(attentionKernel(2, 1024)).toBe('row');
    const gpu = { software: false, probs: false };
    expect(attentionKernel(1, 1024, gpu)).toBe('split');
    expect(attentionKernel(4, 256, gpu)).toBe('split');
    expect(attentionKernel(1, 255, gpu)).toBe('row'); // short contexts: one pass is enough
    expect(attentionKernel(5, 1024, gpu)).toBe('row');
    expect(attentionKernel(1, 1024, { software: false, probs: true })).toBe('row'); // the views need probabilities
    expect(attentionKernel(1, 1024, { software: true, probs: false })).toBe('row'); // SwiftShader keeps one pass
  });

  const runs = cases.flatMap((testCase) => ATTENTION_KERNELS.map((kernel) => ({ ...testCase, kernel })));
  for (const testCase of runs) {
    const { B, Tq, Tk, H, Hkv = H, D, causal, qOffset = 0, layout, padding, kernel } = testCase;
    const withProbs = testCase.withProbs && kernel !== 'split';
    const name = `${testCase.name}, ${kernel}`;
    it(`matches the reference: ${name} (B=${B} Tq=${Tq} Tk=${Tk} H=${H}${Hkv === H ? '' : ` Hkv=${Hkv}`} D=${D})`, async () => {
      const gpu = await testGpu();
      const C = H * D;
      const kvC = Hkv * D;
      const seed = B * 1000 + Tq * 10 + Tk + Hkv;
      let geometry: Omit<AttentionArgs<Float32Array, Uint32Array>, 'q' | 'k' | 'v' | 'out' | 'probs' | 'keyMask'>;
      let qData: Float32Array;
      let kData: Float32Array;
      let vData: Float32Array;
      const heads = { H, Hkv: Hkv === H ? undefined : Hkv }; // the default when every query head has its own
      if (layout === 'packed') {
        const row = C + 2 * kvC;
        qData = kData = vData = randomArray(B * Tq * row, seed, -2, 2);
        geometry = { B, Tq, Tk, ...heads, D, causal, qOffset, qStride: row, kvStride: row, qCol: 0, kCol: C, vCol: C + kvC };
      } else if (layout === 'kv-cache') {
        const kvRowsPerBatch = Tk + CACHE_CAPACITY_EXTRA;
        qData = randomArray(B * Tq * C, seed, -2, 2);
        kData = vData = randomArray(B * kvRowsPerBatch * 2 * kvC, seed + 1, -2, 2);
        geometry = { B, Tq, Tk, ...heads, D, causal, qOffset, kvStride: 2 * kvC, kCol: 0, vCol: kvC, kvRowsPerBatch };
      } else {
        const kvRowsPerBatch = layout === 'cache' ? Tk + CACHE_CAPACITY_EXTRA : Tk;
        qData = randomArray(B * Tq * C, seed, -2, 2);
        kData = randomArray(B * kvRowsPerBatch * kvC, seed + 1, -2, 2);
        vData = randomArray(B * kvRowsPerBatch * kvC, seed + 2, -2, 2);
        geometry = { B, Tq, Tk, ...heads, D, causal, qOffset, kvRowsPerBatch };
      }
      // Keys at or beyond a batch entry's length are padding.
      const lengths = padding === 'some' ? [Tk - 1, Tk - 5] : [0, Tk];
      const maskData = padding ? Uint32Array.from({ length: B * Tk }, (_, i) => Number(i % Tk < lengths[Math.floor(i / Tk)])) : undefined;
      const expectedOut = new Float32Array(B * Tq * C);
      const expectedProbs = withProbs ? new Float32Array(B * H * Tq * Tk) : undefined;
      attentionRef({ q: qData, k: kData, v: vData, out: expectedOut, probs: expectedProbs, keyMask: maskData, ...geometry });

      const q = upload(gpu, [qData.length], 'f32', qData, 'q');
      const k = layout === 'packed' ? q : upload(gpu, [kData.length], 'f32', kData, 'k');
      const v = layout === 'packed' ? q : layout === 'kv-cache' ? k : upload(gpu, [vData.length], 'f32', vData, 'v');
      const keyMask = maskData && upload(gpu, [B, Tk], 'u32', maskData, 'key_mask');
      const out = gpu.tensor([B, Tq, C], 'f32', 'out');
      const probs = withProbs ? gpu.tensor([B, H, Tq, Tk], 'f32', 'probs') : undefined;
      const rec = gpu.recorder('attention.test');
      attention(rec, { q, k, v, out, probs, keyMask, ...geometry }, { kernel });
      const actualOut = rec.read(out);
      const actualProbs = probs && rec.read(probs);
      await rec.submit();
      expect(report('attention out', name, maxAbsDiff(await actualOut, expectedOut))).toBeLessThan(1e-5);
      if (actualProbs && expectedProbs) {
        expect(report('attention probs', name, maxAbsDiff(await actualProbs, expectedProbs))).toBeLessThan(1e-6);
      }
      for (const tensor of new Set([q, k, v, keyMask, out, probs])) if (tensor) gpu.release(tensor);
    });
  }
});
