import { describe, expect, it } from 'vitest';
import { maxAbsDiff, randomArray, report, testGpu, upload } from '../testing';
import { gradientError, numericalGradient, random64, reportGradient, weightedSum } from '../gradcheck';
import { dropout } from './dropout';
import { dropoutRef } from './dropout.ref';

describe('dropout reference', () => {
  it('matches finite differences (its backward is itself on the gradient)', () => {
    const n = 33;
    const x = random64(n, 1);
    const g = random64(n, 2);
    const loss = () => {
      const out = new Float64Array(n);
      dropoutRef({ x, out, n, p: 0.3, seed: 7 });
      return weightedSum(out, g);
    };
    const dx = new Float64Array(n);
    dropoutRef({ x: g, out: dx, n, p: 0.3, seed: 7 });
    expect(reportGradient('dropout', 'x', gradientError(dx, numericalGradient(loss, x)))).toBeLessThan(1e-8);
  });

  it('drops about p of the elements, a different set per seed, none at p = 0', () => {
    const n = 100_000;
    const ones = new Float64Array(n).fill(1);
    const masks = [1, 2].map((seed) => {
      const out = new Float64Array(n);
      dropoutRef({ x: ones, out, n, p: 0.25, seed });
      return out;
    });
    const dropped = masks[0].filter((value) => value === 0).length / n;
    expect(Math.abs(dropped - 0.25)).toBeLessThan(0.01);
    expect(maxAbsDiff(masks[0], masks[1])).toBeGreaterThan(0);
    const kept = new Float64Array(n);
    dropoutRef({ x: ones, out: kept, n, p: 0, seed: 1 });
    expect(kept.every((value) => value === 1)).toBe(true);
  });
});

describe('dropout', () => {
  for (const n of [1, 3, 17, 65, 4099]) {
    it(`matches the reference mask for n=${n}`, async () => {
      const gpu = await testGpu();
      const xData = randomArray(n, n);
      const expected = new Float32Array(n);
      dropoutRef({ x: xData, out: expected, n, p: 0.4, seed: 1234 });
      const x = upload(gpu, [n], 'f32', xData);
      const out = gpu.tensor([n], 'f32', 'out');
      const rec = gpu.recorder('dropout.test');
      dropout(rec, { x, out, n, p: 0.4, seed: 1234 });
      const actual = rec.read(out);
      await rec.submit();
      expect(report('dropout', `n=${n}`, maxAbsDiff(await actual, expected))).toBeLessThan(1e-6);
      gpu.release(x);
      gpu.release(out);
    });
  }
});
