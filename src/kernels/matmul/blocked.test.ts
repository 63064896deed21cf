import { describe, expect, it } from 'vitest';
import { maxAbsDiff, randomArray, report, testGpu, upload } from '../testing';
import { blockedMatmul } from './blocked';
import { blockedMatmulRef, type BlockedMatmulArgs } from './blocked.ref';

describe('blocked matmul', () => {
  // [P, Q, R]: rows and depths that are not multiples of 4 (zeros past the edge, scalar loads), and ones that are.
  // Q not a multiple of 4 (an odd vocabulary) writes its last quad in part.
  const shapes = [[1, 4, 1], [3, 8, 5], [17, 12, 65], [65, 4, 3], [16, 16, 16], [13, 20, 12], [64, 36, 48], [5, 13, 8], [9, 1001, 16], [4, 3, 7]];
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

  // The inference options: an activation epilogue, rows of A and B skipped (vec4 and scalar), a window of out (other
  // elements kept, rows outStride apart) and of the bias.
  type Options = Pick<BlockedMatmulArgs<Float32Array>, 'activation' | 'aOffset' | 'bOffset' | 'outOffset' | 'outStride' | 'biasOffset' | 'bT'>;
  const options: (Options & { P: number; Q: number; R: number })[] = [
    { P: 9, Q: 12, R: 16, bT: true, activation: 'gelu_erf', aOffset: 32, outOffset: 8 },
    { P: 5, Q: 8, R: 7, bT: false, activation: 'gelu_tanh', aOffset: 7, outOffset: 0 },
    { P: 33, Q: 20, R: 12, bT: false, activation: 'relu', aOffset: 36, outOffset: 40 },
    { P: 6, Q: 21, R: 16, bT: true, activation: 'tanh', bOffset: 48, outOffset: 3, outStride: 30, biasOffset: 5 },
    { P: 11, Q: 10, R: 9, bT: false, activation: 'none', aOffset: 2, bOffset: 5, outOffset: 1, outStride: 13, biasOffset: 2 },
  ];
  for (const { P, Q, R, bT, activation, aOffset = 0, bOffset = 0, outOffset = 0, outStride = Q, biasOffset = 0 } of options) {
    const windows = `aOffset ${aOffset}, bOffset ${bOffset}, outOffset ${outOffset}, outStride ${outStride}, biasOffset ${biasOffset}`;
    it(`matches the reference with ${activation}, ${windows} (P=${P} Q=${Q} R=${R})`, async () => {
      const gpu = await testGpu();
      const data = { a: randomArray(aOffset + P * R, 5), b: randomArray(bOffset + R * Q, 6), bias: randomArray(biasOffset + Q, 7) };
      const initial = randomArray(outOffset + P * outStride + 8, 8);
      const expected = initial.slice();
      const args = { P, Q, R, aT: false, bT, accumulate: false, activation, aOffset, bOffset, outOffset, outStride, biasOffset };
      blockedMatmulRef({ ...data, out: expected, ...args });

      const t = {
        a: upload(gpu, [data.a.length], 'f32', data.a), b: upload(gpu, [data.b.length], 'f32', data.b),
        bias: upload(gpu, [data.bias.length], 'f32', data.bias), out: upload(gpu, [initial.length], 'f32', initial),
      };
      const rec = gpu.recorder('blocked_matmul.options.test');
      blockedMatmul(rec, { ...t, ...args });
      const actual = rec.read(t.out);
      await rec.submit();
      expect(report('blocked_matmul options', `${activation} ${windows}`, maxAbsDiff(await actual, expected))).toBeLessThan(1e-5);
      Object.values(t).forEach((tensor) => gpu.release(tensor));
    });
  }
});
