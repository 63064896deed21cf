import { describe, expect, it } from 'vitest';
import { maxAbsDiff, randomArray, report, testGpu, upload } from '../testing';
import { adamw } from './adamw';
import { adamwRef, clipScaleRef } from './adamw.ref';

const HYPER = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.1 };

describe('adamw reference', () => {
  it('takes a first step of lr·sign(g) after decoupled decay', () => {
    const param = Float64Array.of(1, -2, 0.5);
    const grad = Float64Array.of(0.3, -4, 0);
    adamwRef({ param, grad, m: new Float64Array(3), v: new Float64Array(3), n: 3, step: 1, clipScale: 1, ...HYPER });
    const decayed = [1, -2, 0.5].map((p) => p * (1 - HYPER.lr * HYPER.weightDecay));
    expect(param[0]).toBeCloseTo(decayed[0] - HYPER.lr, 6);
    expect(param[1]).toBeCloseTo(decayed[1] + HYPER.lr, 6);
    expect(param[2]).toBeCloseTo(decayed[2], 12);
  });

  it('clips as torch: min(1, maxNorm / (norm + 1e-6)), off at maxNorm 0', () => {
    expect(clipScaleRef(10, 1)).toBeCloseTo(0.1, 6);
    expect(clipScaleRef(0.5, 1)).toBe(1);
    expect(clipScaleRef(10, 0)).toBe(1);
  });
});

describe('adamw', () => {
  for (const n of [1, 3, 17, 64, 65, 4099, 4100]) {
    it(`matches the reference over 3 clipped steps for n=${n}`, async () => {
      const gpu = await testGpu();
      const maxNorm = 0.5;
      const expected = { param: randomArray(n, 1), m: new Float32Array(n), v: new Float32Array(n) };
      const t = {
        param: upload(gpu, [n], 'f32', expected.param), m: upload(gpu, [n], 'f32', expected.m), v: upload(gpu, [n], 'f32', expected.v),
        grad: gpu.tensor([n], 'f32', 'grad'), norm: gpu.tensor([1], 'f32', 'norm'),
      };
      for (let step = 1; step <= 3; step++) {
        const grad = randomArray(n, 10 + step, -2, 2);
        const norm = Math.hypot(...grad);
        adamwRef({ ...expected, grad, n, step, clipScale: clipScaleRef(norm, maxNorm), ...HYPER });
        gpu.write(t.grad, grad);
        gpu.write(t.norm, Float32Array.of(norm));
        const rec = gpu.recorder('adamw.test');
        adamw(rec, { ...t, n, step, maxNorm, ...HYPER });
        await rec.submit();
      }
      const rec = gpu.recorder('adamw.test.read');
      const reads = (['param', 'm', 'v'] as const).map((name) => rec.read(t[name]));
      await rec.submit();
      expect(report('adamw param', `n=${n}`, maxAbsDiff(await reads[0], expected.param))).toBeLessThan(1e-6);
      expect(report('adamw m', `n=${n}`, maxAbsDiff(await reads[1], expected.m))).toBeLessThan(1e-6);
      expect(report('adamw v', `n=${n}`, maxAbsDiff(await reads[2], expected.v))).toBeLessThan(1e-6);
      Object.values(t).forEach((tensor) => gpu.release(tensor));
    });
  }
});
