import { describe, expect, it } from 'vitest';
import { maxAbsDiff, randomArray, report, testGpu, upload } from '../testing';
import { gradientError, numericalGradient, random64, reportGradient, weightedSum } from '../gradcheck';
import { tanhBackward, tanhForward } from './tanh';
import { tanhBackwardRef, tanhRef } from './tanh.ref';

describe('tanh backward reference', () => {
  it('matches finite differences', () => {
    const n = 17;
    const x = random64(n, 1, -3, 3);
    const g = random64(n, 2);
    const out = new Float64Array(n);
    const loss = () => {
      tanhRef({ x, out, n });
      return weightedSum(out, g);
    };
    loss();
    const grad = g.slice();
    tanhBackwardRef({ out, grad, n });
    expect(reportGradient('tanh', 'x', gradientError(grad, numericalGradient(loss, x)))).toBeLessThan(1e-8);
  });
});

describe('tanh forward and backward', () => {
  for (const n of [1, 3, 17, 65]) {
    it(`matches the reference for n=${n}`, async () => {
      const gpu = await testGpu();
      const xData = randomArray(n, n, -4, 4);
      const gradData = randomArray(n, n + 1);
      const expectedOut = new Float32Array(n);
      tanhRef({ x: xData, out: expectedOut, n });
      const expectedGrad = gradData.slice();
      tanhBackwardRef({ out: expectedOut, grad: expectedGrad, n });
      const x = upload(gpu, [n], 'f32', xData);
      const grad = upload(gpu, [n], 'f32', gradData);
      const out = gpu.tensor([n], 'f32', 'out');
      const rec = gpu.recorder('tanh.test');
      tanhForward(rec, { x, out, n });
      tanhBackward(rec, { out, grad, n });
      const [outRead, gradRead] = [rec.read(out), rec.read(grad)];
      await rec.submit();
      expect(report('tanh', `n=${n}`, maxAbsDiff(await outRead, expectedOut))).toBeLessThan(1e-6);
      expect(report('tanh_backward', `n=${n}`, maxAbsDiff(await gradRead, expectedGrad))).toBeLessThan(1e-6);
      [x, grad, out].forEach((tensor) => gpu.release(tensor));
    });
  }
});
