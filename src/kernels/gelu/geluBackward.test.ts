import { describe, expect, it } from 'vitest';
import type { GeluForm } from './gelu.ref';
import { geluRef } from './gelu.ref';
import { maxAbsDiff, randomArray, report, testGpu, upload } from '../testing';
import { asFloat32, gradientError, numericalGradient, random64, reportGradient, weightedSum } from '../gradcheck';
import { geluBackward } from './geluBackward';
import { geluBackwardRef } from './geluBackward.ref';

const FORMS: GeluForm[] = ['erf', 'tanh'];

describe('gelu backward reference', () => {
  for (const form of FORMS) {
    it(`matches finite differences (${form})`, () => {
      const n = 41;
      const x = random64(n, 1, -6, 6);
      const g = random64(n, 2);
      const loss = () => {
        const out = new Float64Array(n);
        geluRef({ x: asFloat32(x), out: asFloat32(out), n, form });
        return weightedSum(out, g);
      };
      const grad = g.slice();
      geluBackwardRef({ x, grad, n, form });
      expect(reportGradient(`gelu ${form}`, 'x', gradientError(grad, numericalGradient(loss, x)))).toBeLessThan(1e-8);
    });
  }
});

describe('gelu backward', () => {
  for (const form of FORMS) {
    for (const n of [1, 3, 17, 65, 4099]) {
      it(`matches the reference for ${form} n=${n}`, async () => {
        const gpu = await testGpu();
        const xData = randomArray(n, n, -8, 8);
        const gradData = randomArray(n, n + 1);
        const expected = gradData.slice();
        geluBackwardRef({ x: xData, grad: expected, n, form });
        const x = upload(gpu, [n], 'f32', xData);
        const grad = upload(gpu, [n], 'f32', gradData);
        const rec = gpu.recorder('gelu_backward.test');
        geluBackward(rec, { x, grad, n, form });
        const actual = rec.read(grad);
        await rec.submit();
        expect(report(`gelu_backward_${form}`, `n=${n}`, maxAbsDiff(await actual, expected))).toBeLessThan(2e-6);
        gpu.release(x);
        gpu.release(grad);
      });
    }
  }
});
