import { describe, expect, it } from 'vitest';
import { maxAbsDiff, randomArray, report, testGpu, upload } from '../../../kernels/testing';
import { blockedMatmul } from './blockedMatmul';
import { blockedMatmulRef } from './blockedMatmul.ref';

describe('blocked matmul', () => {
  // [P, Q, R]: rows and depths that are not multiples of 4 (zeros past the edge, scalar loads), and ones that are.
  const shapes = [[1, 4, 1], [3, 8, 5], [17, 12, 65], [65, 4, 3], [16, 16, 16], [13, 20, 12], [64, 36, 48]];
  for (const [P, Q, R] of shapes) {
    for (const [aT, bT] of [[false, false], [true, false], [false, true]]) {
      it(`matches the reference for P=${P} Q=${Q} R=${R}${aT ? ' Aᵀ' : ''}${bT ? ' Bᵀ' : ''}, with a bias, then accumulating`, async () => {
        const gpu = await testGpu();
        const data = { a: randomArray(P * R, 1), b: randomArray(R * Q, 2), bias: randomArray(Q, 3), out: randomArray(P * Q, 4) };
        const expected = new Float32Array(P * Q);
        blockedMatmulRef({ ...data, out: expected, P, Q, R, aT, bT, accumulate: false });
        const accumulated = expected.slice();
        blockedMatmulRef({ a: data.a, b: data.b, out: accumulated, P, Q, R, aT, bT, accumulate: true });

        const t = { a: upload(gpu, [P * R], 'f32', data.a), b: upload(gpu, [R * Q], 'f32', data.b), bias: upload(gpu, [Q], 'f32', data.bias), out: upload(gpu, [P * Q], 'f32', data.out) };
        const rec = gpu.recorder('blocked_matmul.test');
        blockedMatmul(rec, { ...t, P, Q, R, aT, bT, accumulate: false });
        const first = rec.read(t.out);
        blockedMatmul(rec, { a: t.a, b: t.b, out: t.out, P, Q, R, aT, bT, accumulate: true });
        const second = rec.read(t.out);
        await rec.submit();
        const shape = `P=${P} Q=${Q} R=${R} aT=${aT} bT=${bT}`;
        expect(report('blocked_matmul', shape, maxAbsDiff(await first, expected))).toBeLessThan(1e-5);
        expect(report('blocked_matmul accumulate', shape, maxAbsDiff(await second, accumulated))).toBeLessThan(1e-5);
        Object.values(t).forEach((tensor) => gpu.release(tensor));
      });
    }
  }
});
