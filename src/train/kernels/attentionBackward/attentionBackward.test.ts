import { describe, expect, it } from 'vitest';
import { attentionRef } from '../../../kernels/attention/attention.ref';
import { maxAbsDiff, randomArray, report, testGpu, upload } from '../../../kernels/testing';
import { asFloat32, gradientError, numericalGradient, random64, reportGradient, weightedSum } from '../../testing/gradcheck';
import { attentionBackward } from './attentionBackward';
import { attentionBackwardRef } from './attentionBackward.ref';

type Mask = 'causal' | 'padding';

/** The inference forward on packed (B, T, 3C) rows, as the training graphs call it. */
function forward(qkv: Float32Array, out: Float32Array, probs: Float32Array, B: number, T: number, H: number, D: number, mask: Mask) {
  const C = H * D;
  const keyMask = paddingMask(B, T);
  attentionRef({
    q: qkv, k: qkv, v: qkv, out, probs, B, Tq: T, Tk: T, H, D, causal: mask === 'causal',
    keyMask: mask === 'padding' ? keyMask : undefined, qStride: 3 * C, kvStride: 3 * C, kCol: C, vCol: 2 * C,
  });
}

/** Sequence b keeps its first T - b keys (at least one). */
function paddingMask(B: number, T: number): Uint32Array {
  return Uint32Array.from({ length: B * T }, (_, i) => (i % T < Math.max(1, T - Math.floor(i / T)) ? 1 : 0));
}

describe('attention backward reference', () => {
  for (const mask of ['causal', 'padding'] as Mask[]) {
    it(`matches finite differences (${mask})`, () => {
      const [B, T, H, D] = [2, 4, 2, 3];
      const C = H * D;
      const qkv = random64(B * T * 3 * C, 1, -2, 2);
      const g = random64(B * T * C, 2);
      const probs = new Float64Array(B * H * T * T);
      const loss = () => {
        const out = new Float64Array(B * T * C);
        forward(asFloat32(qkv), asFloat32(out), asFloat32(probs), B, T, H, D, mask);
        return weightedSum(out, g);
      };
      loss();
      const dqkv = new Float64Array(B * T * 3 * C);
      attentionBackwardRef({ dout: g, qkv, probs, dscores: new Float64Array(B * H * T * T), dqkv, B, T, H, D });
      expect(reportGradient(`attention ${mask}`, 'qkv', gradientError(dqkv, numericalGradient(loss, qkv)))).toBeLessThan(1e-8);
    });
  }
});

describe('attention backward', () => {
  const shapes = [[1, 1, 1, 3], [2, 3, 3, 5], [1, 17, 2, 3], [3, 65, 2, 4]];
  for (const mask of ['causal', 'padding'] as Mask[]) {
    for (const [B, T, H, D] of shapes) {
      it(`matches the reference for ${mask} B=${B} T=${T} H=${H} D=${D}`, async () => {
        const gpu = await testGpu();
        const C = H * D;
        const qkvData = randomArray(B * T * 3 * C, 1, -2, 2);
        const doutData = randomArray(B * T * C, 2);
        const probsData = new Float32Array(B * H * T * T);
        forward(qkvData, new Float32Array(B * T * C), probsData, B, T, H, D, mask);
        const expected = new Float32Array(B * T * 3 * C);
        attentionBackwardRef({ dout: doutData, qkv: qkvData, probs: probsData, dscores: new Float32Array(B * H * T * T), dqkv: expected, B, T, H, D });

        const t = {
          dout: upload(gpu, [B * T, C], 'f32', doutData), qkv: upload(gpu, [B * T, 3 * C], 'f32', qkvData),
          probs: upload(gpu, [B, H, T, T], 'f32', probsData), dscores: gpu.tensor([B, H, T, T], 'f32', 'dscores'),
          dqkv: gpu.tensor([B * T, 3 * C], 'f32', 'dqkv'),
        };
        const rec = gpu.recorder('attention_backward.test');
        attentionBackward(rec, { ...t, B, T, H, D });
        const actual = rec.read(t.dqkv);
        await rec.submit();
        expect(report(`attention_backward ${mask}`, `B=${B} T=${T} H=${H} D=${D}`, maxAbsDiff(await actual, expected))).toBeLessThan(1e-5);
        Object.values(t).forEach((tensor) => gpu.release(tensor));
      });
    }
  }
});
