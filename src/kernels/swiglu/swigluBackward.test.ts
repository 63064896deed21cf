import { describe, expect, it } from 'vitest';
import { maxAbsDiff, randomArray, report, testGpu, upload } from '../testing';
import { gradientError, numericalGradient, random64, reportGradient, weightedSum } from '../gradcheck';
import { swigluRef } from './swiglu.ref';
import { inputs } from './testing';
import { swigluBackward } from './swigluBackward';
import { swigluBackwardRef } from './swigluBackward.ref';

const LAYOUTS = ['separate', 'fused'] as const;
type Layout = (typeof LAYOUTS)[number];

function geometry(layout: Layout, rows: number, F: number) {
  return layout === 'fused' ? { rows, F, inStride: 2 * F, upCol: F } : { rows, F };
}

describe('swiglu backward reference', () => {
  for (const layout of LAYOUTS) {
    it(`matches finite differences (${layout} gate and up)`, () => {
      const [rows, F] = [3, 7];
      const shape = geometry(layout, rows, F);
      const gate = random64(layout === 'fused' ? rows * 2 * F : rows * F, 1, -6, 6);
      const up = layout === 'fused' ? gate : random64(rows * F, 2, -2, 2);
      const g = random64(rows * F, 3);
      const loss = () => {
        const out = new Float64Array(rows * F);
        swigluRef({ gate, up, out, ...shape });
        return weightedSum(out, g);
      };
      const dgate = new Float64Array(gate.length);
      const dup = layout === 'fused' ? dgate : new Float64Array(up.length);
      swigluBackwardRef({ dout: g, gate, up, dgate, dup, ...shape });
      expect(reportGradient(`swiglu ${layout}`, 'gate', gradientError(dgate, numericalGradient(loss, gate)))).toBeLessThan(1e-8);
      if (layout === 'separate') expect(reportGradient('swiglu separate', 'up', gradientError(dup, numericalGradient(loss, up)))).toBeLessThan(1e-8);
    });
  }
});

describe('swiglu backward', () => {
  for (const layout of LAYOUTS) {
    for (const [rows, F] of [[1, 1], [3, 17], [17, 65], [65, 129]]) {
      it(`matches the reference for rows=${rows} F=${F}, ${layout} gate and up`, async () => {
        const gpu = await testGpu();
        const shape = geometry(layout, rows, F);
        const inputLength = layout === 'fused' ? rows * 2 * F : rows * F;
        const [gateData, upData] = inputs(layout, rows, F);
        const doutData = randomArray(rows * F, rows + F + 2);
        const expectedGate = new Float32Array(inputLength);
        const expectedUp = layout === 'fused' ? expectedGate : new Float32Array(rows * F);
        swigluBackwardRef({ dout: doutData, gate: gateData, up: upData, dgate: expectedGate, dup: expectedUp, ...shape });

        const dout = upload(gpu, [rows, F], 'f32', doutData, 'dout');
        const gate = upload(gpu, [inputLength], 'f32', gateData, 'gate');
        const up = layout === 'fused' ? gate : upload(gpu, [rows * F], 'f32', upData, 'up');
        // Filled with noise: every element is written.
        const dgate = upload(gpu, [inputLength], 'f32', randomArray(inputLength, 7), 'dgate');
        const dup = layout === 'fused' ? dgate : upload(gpu, [rows * F], 'f32', randomArray(rows * F, 8), 'dup');
        const rec = gpu.recorder('swiglu_backward.test');
        swigluBackward(rec, { dout, gate, up, dgate, dup, ...shape });
        const actualGate = rec.read(dgate);
        const actualUp = rec.read(dup);
        await rec.submit();
        expect(report(`swiglu_backward dgate ${layout}`, `rows=${rows} F=${F}`, maxAbsDiff(await actualGate, expectedGate))).toBeLessThan(2e-6);
        expect(report(`swiglu_backward dup ${layout}`, `rows=${rows} F=${F}`, maxAbsDiff(await actualUp, expectedUp))).toBeLessThan(2e-5);
        for (const tensor of new Set([dout, gate, up, dgate, dup])) gpu.release(tensor);
      });
    }
  }
});
