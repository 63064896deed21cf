import { describe, expect, it } from 'vitest';
import { attentionRef } from './attention.ref';
import { maxAbsDiff, randomArray, report, testGpu, upload } from '../testing';
import { asFloat32, gradientError, numericalGradient, random64, reportGradient, weightedSum } from '../gradcheck';
import { attentionBackward } from './attentionBackward';
import { attentionBackwardRef } from './attentionBackward.ref';

type Mask = 'causal' | 'padding';

/**
 * The inference forward on packed (B, T, 3C) rows, as the training graphs call it: every row a query, or (Tq = 1)
 * only each sequence's first, as BERT's last layer.
 */
function forward(qkv: Float32Array, out: Float32Array, probs: Float32Array, B: number, T: number, H: number, D: number, mask: Mask, Tq = T) {
  const C = H * D;
  const keyMask = paddingMask(B, T);
  attentionRef({
    q: qkv, k: qkv, v: qkv, out, probs, B, Tq, Tk: T, H, D, causal: mask === 'causal',
    keyMask: mask === 'padding' ? keyMask : undefined, qStride: (3 * C * T) / Tq, kvStride: 3 * C, kCol: C, vCol: 2 * C, kvRowsPerBatch: T,
  });
}

/** Sequence b keeps its first T - b keys (at least one). */
function paddingMask(B: number, T: number): Uint32Array {
  return Uint32Array.from({ length: B * T }, (_, i) => (i % T < Math.max(1, T - Math.floor(i / T)) ? 1 : 0));
}

describe('attention backward reference', () => {
  for (const [mask, queries] of [['causal', 'all'], ['padding', 'all'], ['padding', 'first']] as [Mask, 'all' | 'first'][]) {
    it(`matches finite differences (${mask}, ${queries} queries)`, () => {
      const [B, T, H, D] = [2, 4, 2, 3];
      const Tq = queries === 'all' ? T : 1;
      const C = H * D;
      const qkv = random64(B * T * 3 * C, 1, -2, 2);
      const g = random64(B * Tq * C, 2);
      const probs = new Float64Array(B * H * Tq * T);
      const loss = () => {
        const out = new Float64Array(B * Tq * C);
        forward(asFloat32(qkv), asFloat32(out), asFloat32(probs), B, T, H, D, mask, Tq);
        return weightedSum(out, g);
      };
      loss();
      const dqkv = new Float64Array(B * T * 3 * C);
      attentionBackwardRef({ dout: g, qkv, probs, dscores: new Float64Array(B * H * Tq * T), dqkv, B, T, H, D, Tq });
      expect(reportGradient(`attention ${mask} ${queries}`, 'qkv', gradientError(dqkv, numericalGradient(loss, qkv)))).toBeLessThan(1e-8);
    });
  }
});

describe('attention backward', () => {
  const shapes = [[1, 1, 1, 3], [2, 3, 3, 5], [1, 17, 2, 3], [3, 65, 2, 4]];
  for (const [mask, queries] of [['causal', 'all'], ['padding', 'all'], ['padding', 'first']] as [Mask, 'all' | 'first'][]) {
    for (const [B, T, H, D] of shapes) {
      it(`matches the reference for ${mask} B=${B} T=${T} H=${H} D=${D}, ${queries} queries`, async () => {
        const gpu = await testGpu();
        const C = H * D;
        const Tq = queries === 'all' ? T : 1;
        const qkvData = randomArray(B * T * 3 * C, 1, -2, 2);
        const doutData = randomArray(B * Tq * C, 2);
        const probsData = new Float32Array(B * H * Tq * T);
        forward(qkvData, new Float32Array(B * Tq * C), probsData, B, T, H, D, mask, Tq);
        const expected = new Float32Array(B * T * 3 * C);
        attentionBackwardRef({ dout: doutData, qkv: qkvData, probs: probsData, dscores: new Float32Array(B * H * Tq * T), dqkv: expected, B, T, H, D, Tq });

        const t = {
          dout: upload(gpu, [B * Tq, C], 'f32', doutData), qkv: upload(gpu, [B * T, 3 * C], 'f32', qkvData),
          probs: upload(gpu, [B, H, Tq, T], 'f32', probsData), dscores: gpu.tensor([B, H, Tq, T], 'f32', 'dscores'),
          dqkv: upload(gpu, [B * T, 3 * C], 'f32', randomArray(B * T * 3 * C, 3)), // every element is written
        };
        const rec = gpu.recorder('attention_backward.test');
        attentionBackward(rec, { ...t, B, T, H, D, Tq });
        const actual = rec.read(t.dqkv);
        await rec.submit();
        expect(report(`attention_backward ${mask} ${queries}`, `B=${B} T=${T} H=${H} D=${D}`, maxAbsDiff(await actual, expected))).toBeLessThan(1e-5);
        Object.values(t).forEach((tensor) => gpu.release(tensor));
      });
    }
  }
});
