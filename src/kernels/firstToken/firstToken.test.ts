import { describe, expect, it } from 'vitest';
import { maxAbsDiff, randomArray, report, testGpu, upload } from '../testing';
import { gradientError, numericalGradient, random64, reportGradient, weightedSum } from '../gradcheck';
import { firstToken, firstTokenBackward } from './firstToken';
import { firstTokenBackwardRef, firstTokenRef } from './firstToken.ref';

describe('first token reference', () => {
  it('matches finite differences', () => {
    const [B, T, C] = [2, 3, 4];
    const x = random64(B * T * C, 1);
    const g = random64(B * C, 2);
    const loss = () => {
      const out = new Float64Array(B * C);
      firstTokenRef({ x, out, B, T, C });
      return weightedSum(out, g);
    };
    const dx = new Float64Array(B * T * C);
    firstTokenBackwardRef({ dout: g, dx, B, T, C });
    expect(reportGradient('first token', 'x', gradientError(dx, numericalGradient(loss, x)))).toBeLessThan(1e-8);
  });
});

describe('first token', () => {
  for (const [B, T, C] of [[1, 1, 3], [3, 17, 65], [17, 3, 1]]) {
    it(`matches the reference for B=${B} T=${T} C=${C}`, async () => {
      const gpu = await testGpu();
      const xData = randomArray(B * T * C, 1);
      const doutData = randomArray(B * C, 2);
      const expectedOut = new Float32Array(B * C);
      const expectedDx = new Float32Array(B * T * C);
      firstTokenRef({ x: xData, out: expectedOut, B, T, C });
      firstTokenBackwardRef({ dout: doutData, dx: expectedDx, B, T, C });
      const x = upload(gpu, [B * T, C], 'f32', xData);
      const dout = upload(gpu, [B, C], 'f32', doutData);
      const out = gpu.tensor([B, C], 'f32', 'out');
      const dx = upload(gpu, [B * T, C], 'f32', randomArray(B * T * C, 3));
      const rec = gpu.recorder('first_token.test');
      firstToken(rec, { x, out, B, T, C });
      firstTokenBackward(rec, { dout, dx, B, T, C });
      const [outRead, dxRead] = [rec.read(out), rec.read(dx)];
      await rec.submit();
      expect(report('first_token', `B=${B} T=${T} C=${C}`, maxAbsDiff(await outRead, expectedOut))).toBe(0);
      expect(report('first_token_backward', `B=${B} T=${T} C=${C}`, maxAbsDiff(await dxRead, expectedDx))).toBe(0);
      [x, dout, out, dx].forEach((tensor) => gpu.release(tensor));
    });
  }
});
