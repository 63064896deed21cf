import { describe, expect, it } from 'vitest';
import { maxAbsDiff, randomArray, report, testGpu, upload } from '../testing';
import { rmsnorm } from './rmsnorm';
import { rmsnormRef } from './rmsnorm.ref';

describe('rmsnorm', () => {
  // [rows, C, eps]: Llama's 1e-5 and 1e-6, SmolLM2's width 576, a row longer than the 64-invocation workgroup.
  const shapes: [number, number, number][] = [[1, 1, 1e-5], [3, 17, 1e-6], [17, 65, 1e-5], [65, 129, 1e-6], [2, 576, 1e-5], [129, 3, 1e-5], [5, 2048, 1e-6]];
  const variants = [false, true].flatMap((serial) => [false, true].map((saveRstd) => ({ serial, saveRstd })));
  for (const [rows, C, eps] of shapes) {
    for (const { serial, saveRstd } of variants) {
      const name = `rows=${rows} C=${C} eps=${eps}, ${serial ? 'one invocation' : 'one workgroup'} per row${saveRstd ? ', saving rstd' : ''}`;
      it(`matches the reference for ${name}`, async () => {
        const gpu = await testGpu();
        const xData = randomArray(rows * C, rows + C, -3, 3);
        const weightData = randomArray(C, 1, 0.5, 1.5);
        const expected = { out: new Float32Array(rows * C), rstd: new Float32Array(rows) };
        rmsnormRef({ x: xData, weight: weightData, out: expected.out, rstd: expected.rstd, rows, C, eps });

        const x = upload(gpu, [rows, C], 'f32', xData, 'x');
        const weight = upload(gpu, [C], 'f32', weightData, 'weight');
        const out = gpu.tensor([rows, C], 'f32', 'out');
        const rstd = saveRstd ? gpu.tensor([rows], 'f32', 'rstd') : undefined;
        const rec = gpu.recorder('rmsnorm.test');
        rmsnorm(rec, { x, weight, out, rstd, rows, C, eps }, serial);
        const actualOut = rec.read(out);
        const actualRstd = rstd && rec.read(rstd);
        await rec.submit();
        expect(report('rmsnorm out', name, maxAbsDiff(await actualOut, expected.out))).toBeLessThan(1e-5);
        if (actualRstd) expect(report('rmsnorm rstd', name, maxAbsDiff(await actualRstd, expected.rstd))).toBeLessThan(1e-5);
        for (const tensor of [x, weight, out, rstd]) if (tensor) gpu.release(tensor);
      });
    }
  }
});
