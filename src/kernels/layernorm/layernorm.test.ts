import { describe, expect, it } from 'vitest';
import { maxAbsDiff, randomArray, report, testGpu, upload } from '../testing';
import { layernorm, type LayernormVariant } from './layernorm';
import { layernormRef } from './layernorm.ref';

describe('layernorm', () => {
  const shapes: [number, number, number][] = [[1, 1, 1e-5], [3, 17, 1e-5], [17, 65, 1e-12], [65, 129, 1e-5], [2, 768, 1e-12], [129, 3, 1e-5]];
  const variants: LayernormVariant[] = ['workgroup', 'serial', 'subgroup'];
  for (const [[rows, C, eps], variant] of shapes.flatMap((shape) => variants.map((variant) => [shape, variant] as const))) {
    it(`matches the reference for rows=${rows} C=${C} eps=${eps}, ${variant}`, async (context) => {
      const gpu = await testGpu();
      if (variant === 'subgroup' && !gpu.hasSubgroups) context.skip();
      // An offset far from zero checks the two-pass variance against cancellation.
      const xData = randomArray(rows * C, rows + C, 99, 101);
      const gammaData = randomArray(C, 1, 0.5, 1.5);
      const betaData = randomArray(C, 2);
      const expected = new Float32Array(rows * C);
      layernormRef({ x: xData, gamma: gammaData, beta: betaData, out: expected, rows, C, eps });

      const x = upload(gpu, [rows, C], 'f32', xData, 'x');
      const gamma = upload(gpu, [C], 'f32', gammaData, 'gamma');
      const beta = upload(gpu, [C], 'f32', betaData, 'beta');
      const out = gpu.tensor([rows, C], 'f32', 'out');
      const rec = gpu.recorder('layernorm.test');
      layernorm(rec, { x, gamma, beta, out, rows, C, eps }, variant);
      const actual = rec.read(out);
      await rec.submit();
      expect(report(`layernorm ${variant}`, `rows=${rows} C=${C}`, maxAbsDiff(await actual, expected))).toBeLessThan(2e-4);
      for (const tensor of [x, gamma, beta, out]) gpu.release(tensor);
    });
  }
});
