import { describe, expect, it } from 'vitest';
import { maxAbsDiff, randomArray, report, testGpu, upload } from '../testing';
import { gelu } from './gelu';
import { erf, geluRef, type GeluForm } from './gelu.ref';

describe('gelu reference', () => {
  it('has an accurate erf', () => {
    expect(erf(0)).toBe(0);
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 14);
    expect(erf(1)).toBeCloseTo(0.8427007929497149, 14);
    expect(erf(-2)).toBeCloseTo(-0.9953222650189527, 14);
    expect(erf(3)).toBeCloseTo(0.9999779095030014, 14);
  });
});

describe('gelu', () => {
  for (const form of ['erf', 'tanh'] as GeluForm[]) {
    for (const n of [1, 3, 17, 65, 129, 4099]) {
      it(`${form} matches the reference for n=${n}`, async () => {
        const gpu = await testGpu();
        const xData = randomArray(n, n, -12, 12);
        const expected = new Float32Array(n);
        geluRef({ x: xData, out: expected, n, form });

        const x = upload(gpu, [n], 'f32', xData);
        const out = gpu.tensor([n], 'f32', 'out');
        const rec = gpu.recorder('gelu.test');
        gelu(rec, { x, out, n, form });
        const actual = rec.read(out);
        await rec.submit();
        expect(report(`gelu_${form}`, `n=${n}`, maxAbsDiff(await actual, expected))).toBeLessThan(2e-5);
        gpu.release(x);
        gpu.release(out);
      });
    }
  }
});
