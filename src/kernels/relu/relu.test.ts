import { describe, expect, it } from 'vitest';
import { maxAbsDiff, randomArray, report, testGpu, upload } from '../testing';
import { gradientError, numericalGradient, random64, reportGradient, weightedSum } from '../gradcheck';
import { reluBackward, reluForward } from './relu';
import { reluBackwardRef, reluRef } from './relu.ref';

describe('relu backward reference', () => {
  it('matches finite differences away from the kink', () => {
    const n = 17;
    const x = random64(n, 1, -3, 3).map((value) => value + Math.sign(value) * 0.1); // |x| >= 0.1: no step crosses 0
    const g = random64(n, 2);
    const out = new Float64Array(n);
    const loss = () => {
      reluRef({ x, out, n });
      return weightedSum(out, g);
    };
    loss();
    const grad = g.slice();
    reluBackwardRef({ out, grad, n });
    expect(reportGradient('relu', 'x', gradientError(grad, numericalGradient(loss, x)))).toBeLessThan(1e-8);
  });

  it('gives 0 at x = 0, as torch does', () => {
    const grad = Float64Array.of(5, 5, 5);
    reluBackwardRef({ out: Float64Array.of(0, 0.5, 0), grad, n: 3 });
    expect([...grad]).toEqual([0, 5, 0]);
  });
});

describe('relu forward and backward', () => {
  for (const n of [1, 3, 17, 65, 300]) {
    it(`matches the reference for n=${n}`, async () => {
      const gpu = await testGpu();
      const xData = randomArray(n, n, -4, 4);
      xData[0] = 0; // the kink: output 0, gradient 0
      const gradData = randomArray(n, n + 1);
      const expectedOut = new Float32Array(n);
      reluRef({ x: xData, out: expectedOut, n });
      const expectedGrad = gradData.slice();
      reluBackwardRef({ out: expectedOut, grad: expectedGrad, n });
      const x = upload(gpu, [n], 'f32', xData);
      const grad = upload(gpu, [n], 'f32', gradData);
      const out = gpu.tensor([n], 'f32', 'out');
      const rec = gpu.recorder('relu.test');
      reluForward(rec, { x, out, n });
      reluBackward(rec, { out, grad, n });
      const [outRead, gradRead] = [rec.read(out), rec.read(grad)];
      await rec.submit();
      expect(report('relu', `n=${n}`, maxAbsDiff(await outRead, expectedOut))).toBe(0);
      expect(report('relu_backward', `n=${n}`, maxAbsDiff(await gradRead, expectedGrad))).toBe(0);
      [x, grad, out].forEach((tensor) => gpu.release(tensor));
    });
  }
});
