import { describe, expect, it } from 'vitest';
import { maxAbsDiff, randomArray, report, testGpu, upload } from '../testing';
import { gradientError, numericalGradient, random64, reportGradient, weightedSum } from '../gradcheck';
import { rmsnorm } from './rmsnorm';
import { rmsnormBackward } from './rmsnormBackward';
import { rmsnormRef } from './rmsnorm.ref';
import { rmsnormBackwardRef } from './rmsnormBackward.ref';

describe('rmsnorm backward reference', () => {
  it('matches finite differences', () => {
    const [rows, C, eps] = [3, 5, 1e-5];
    const x = random64(rows * C, 1, -2, 2);
    const weight = random64(C, 2, 0.5, 1.5);
    const g = random64(rows * C, 4);
    const rstd = new Float64Array(rows);
    const loss = () => {
      const out = new Float64Array(rows * C);
      rmsnormRef({ x, weight, out, rstd, rows, C, eps });
      return weightedSum(out, g);
    };
    loss();
    const dx = new Float64Array(rows * C);
    const dweight = new Float64Array(C);
    rmsnormBackwardRef({ dout: g, x, rstd, weight, dx, dweight, rows, C, accumulate: false });
    expect(reportGradient('rmsnorm', 'x', gradientError(dx, numericalGradient(loss, x)))).toBeLessThan(1e-8);
    expect(reportGradient('rmsnorm', 'weight', gradientError(dweight, numericalGradient(loss, weight)))).toBeLessThan(1e-8);
  });
});

describe('rmsnorm training forward and backward', () => {
  for (const [rows, C] of [[1, 3], [3, 17], [17, 65], [65, 257], [4, 576]]) {
    it(`matches the reference for rows=${rows} C=${C}`, async () => {
      const gpu = await testGpu();
      const eps = 1e-5;
      const data = {
        x: randomArray(rows * C, 1, -3, 3), weight: randomArray(C, 2, 0.5, 1.5), dout: randomArray(rows * C, 4),
        dx: randomArray(rows * C, 5), dweight: randomArray(C, 6),
      };
      const expected = { out: new Float32Array(rows * C), rstd: new Float32Array(rows), dx: data.dx.slice(), dweight: data.dweight.slice() };
      rmsnormRef({ ...data, ...expected, rows, C, eps });
      rmsnormBackwardRef({ ...data, ...expected, rows, C, accumulate: true });

      const t = {
        x: upload(gpu, [rows, C], 'f32', data.x), weight: upload(gpu, [C], 'f32', data.weight), dout: upload(gpu, [rows, C], 'f32', data.dout),
        dx: upload(gpu, [rows, C], 'f32', data.dx), dweight: upload(gpu, [C], 'f32', data.dweight),
        out: gpu.tensor([rows, C], 'f32', 'out'), rstd: gpu.tensor([rows], 'f32', 'rstd'),
      };
      const rec = gpu.recorder('rmsnorm_backward.test');
      rmsnorm(rec, { ...t, rows, C, eps });
      rmsnormBackward(rec, { ...t, rows, C, accumulate: true });
      const names = ['out', 'rstd', 'dx', 'dweight'] as const;
      const reads = names.map((name) => rec.read(t[name]));
      await rec.submit();
      for (const [i, name] of names.entries()) {
        expect(report(`rmsnorm ${name}`, `rows=${rows} C=${C}`, maxAbsDiff(await reads[i], expected[name]))).toBeLessThan(2e-5);
      }
      Object.values(t).forEach((tensor) => gpu.release(tensor));
    });
  }
});
