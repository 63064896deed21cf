import { describe, expect, it } from 'vitest';
import { maxAbsDiff, randomArray, report, testGpu, upload } from '../testing';
import { gradientError, numericalGradient, random64, reportGradient, weightedSum } from '../gradcheck';
import { layernorm } from './layernorm';
import { layernormBackward } from './layernormBackward';
import { layernormRef } from './layernorm.ref';
import { layernormBackwardRef } from './layernormBackward.ref';

describe('layernorm backward reference', () => {
  it('matches finite differences', () => {
    const [rows, C, eps] = [3, 5, 1e-5];
    const x = random64(rows * C, 1, -2, 2);
    const gamma = random64(C, 2, 0.5, 1.5);
    const beta = random64(C, 3);
    const g = random64(rows * C, 4);
    const mean = new Float64Array(rows);
    const rstd = new Float64Array(rows);
    const loss = () => {
      const out = new Float64Array(rows * C);
      layernormRef({ x, gamma, beta, out, mean, rstd, rows, C, eps });
      return weightedSum(out, g);
    };
    loss();
    const dx = new Float64Array(rows * C);
    const dgamma = new Float64Array(C);
    const dbeta = new Float64Array(C);
    layernormBackwardRef({ dout: g, x, mean, rstd, gamma, dx, dgamma, dbeta, rows, C, accumulate: false });
    expect(reportGradient('layernorm', 'x', gradientError(dx, numericalGradient(loss, x)))).toBeLessThan(1e-8);
    expect(reportGradient('layernorm', 'gamma', gradientError(dgamma, numericalGradient(loss, gamma)))).toBeLessThan(1e-8);
    expect(reportGradient('layernorm', 'beta', gradientError(dbeta, numericalGradient(loss, beta)))).toBeLessThan(1e-8);
  });
});

describe('layernorm training forward and backward', () => {
  for (const [rows, C] of [[1, 3], [3, 17], [17, 65], [65, 257]]) {
    it(`matches the reference for rows=${rows} C=${C}`, async () => {
      const gpu = await testGpu();
      const eps = 1e-5;
      const data = {
        x: randomArray(rows * C, 1, -3, 3), gamma: randomArray(C, 2, 0.5, 1.5), beta: randomArray(C, 3), dout: randomArray(rows * C, 4),
        dx: randomArray(rows * C, 5), dgamma: randomArray(C, 6), dbeta: randomArray(C, 7),
      };
      const expected = {
        out: new Float32Array(rows * C), mean: new Float32Array(rows), rstd: new Float32Array(rows),
        dx: data.dx.slice(), dgamma: data.dgamma.slice(), dbeta: data.dbeta.slice(),
      };
      layernormRef({ ...data, ...expected, rows, C, eps });
      layernormBackwardRef({ ...data, ...expected, rows, C, accumulate: true });

      const t = {
        x: upload(gpu, [rows, C], 'f32', data.x), gamma: upload(gpu, [C], 'f32', data.gamma), beta: upload(gpu, [C], 'f32', data.beta),
        dout: upload(gpu, [rows, C], 'f32', data.dout), dx: upload(gpu, [rows, C], 'f32', data.dx),
        dgamma: upload(gpu, [C], 'f32', data.dgamma), dbeta: upload(gpu, [C], 'f32', data.dbeta),
        out: gpu.tensor([rows, C], 'f32', 'out'), mean: gpu.tensor([rows], 'f32', 'mean'), rstd: gpu.tensor([rows], 'f32', 'rstd'),
      };
      const rec = gpu.recorder('layernorm.test');
      layernorm(rec, { ...t, rows, C, eps });
      layernormBackward(rec, { ...t, rows, C, accumulate: true });
      const names = ['out', 'mean', 'rstd', 'dx', 'dgamma', 'dbeta'] as const;
      const reads = names.map((name) => rec.read(t[name]));
      await rec.submit();
      for (const [i, name] of names.entries()) {
        const tolerance = name === 'rstd' ? 1e-4 : 2e-5;
        expect(report(`layernorm ${name}`, `rows=${rows} C=${C}`, maxAbsDiff(await reads[i], expected[name]))).toBeLessThan(tolerance);
      }
      Object.values(t).forEach((tensor) => gpu.release(tensor));
    });
  }
});
