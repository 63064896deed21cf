import { describe, expect, it } from 'vitest';
import { maxAbsDiff, report, testGpu, upload } from '../testing';
import { swiglu } from './swiglu';
import { silu, swigluRef } from './swiglu.ref';
import { inputs } from './testing';

describe('swiglu reference', () => {
  it('has silu(x) = x·sigmoid(x)', () => {
    expect(silu(0)).toBe(0);
    expect(silu(1)).toBeCloseTo(0.7310585786300049, 15);
    expect(silu(-2)).toBeCloseTo(-0.23840584404423515, 15);
    expect(silu(-1000)).toBe(-0);
    expect(silu(1000)).toBe(1000);
  });
});

describe('swiglu', () => {
  for (const layout of ['separate', 'fused'] as const) {
    for (const [rows, F] of [[1, 1], [3, 17], [17, 65], [65, 129], [2, 1536]]) {
      it(`matches the reference for rows=${rows} F=${F}, ${layout} gate and up`, async () => {
        const gpu = await testGpu();
        const geometry = layout === 'fused' ? { rows, F, inStride: 2 * F, upCol: F } : { rows, F };
        const [gateData, upData] = inputs(layout, rows, F);
        const expected = new Float32Array(rows * F);
        swigluRef({ gate: gateData, up: upData, out: expected, ...geometry });

        const gate = upload(gpu, [gateData.length], 'f32', gateData, 'gate');
        const up = layout === 'fused' ? gate : upload(gpu, [upData.length], 'f32', upData, 'up');
        const out = gpu.tensor([rows, F], 'f32', 'out');
        const rec = gpu.recorder('swiglu.test');
        swiglu(rec, { gate, up, out, ...geometry });
        const actual = rec.read(out);
        await rec.submit();
        expect(report('swiglu', `rows=${rows} F=${F} ${layout}`, maxAbsDiff(await actual, expected))).toBeLessThan(2e-5);
        for (const tensor of new Set([gate, up, out])) gpu.release(tensor);
      });
    }
  }
});
