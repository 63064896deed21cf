import { describe, expect, it } from 'vitest';
import { maxAbsDiff, randomArray, report, testGpu, upload } from '../testing';
import { softmax } from './softmax';
import { softmaxRef } from './softmax.ref';

describe('softmax', () => {
  const shapes: [number, number][] = [[1, 1], [3, 17], [17, 65], [65, 129], [2, 5000], [129, 3]];
  for (const [[rows, cols], variant] of shapes.flatMap((shape) => (['workgroup', 'subgroup'] as const).map((variant) => [shape, variant] as const))) {
    it(`matches the reference for rows=${rows} cols=${cols}, ${variant}`, async (context) => {
      const gpu = await testGpu();
      if (variant === 'subgroup' && !gpu.hasSubgroups) context.skip();
      // Large logits check the max subtraction.
      const xData = randomArray(rows * cols, rows * cols, -40, 90);
      const expected = new Float32Array(rows * cols);
      softmaxRef({ x: xData, out: expected, rows, cols });

      const x = upload(gpu, [rows, cols], 'f32', xData, 'x');
      const out = gpu.tensor([rows, cols], 'f32', 'out');
      const rec = gpu.recorder('softmax.test');
      softmax(rec, { x, out, rows, cols }, variant);
      const actual = rec.read(out);
      await rec.submit();
      expect(report(`softmax ${variant}`, `rows=${rows} cols=${cols}`, maxAbsDiff(await actual, expected))).toBeLessThan(1e-6);
      gpu.release(x);
      gpu.release(out);
    });
  }
});
