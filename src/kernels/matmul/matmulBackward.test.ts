import { describe, expect, it } from 'vitest';
import type { WeightLayout } from './matmul.ref';
import { matmulRef } from './matmul.ref';
import { maxAbsDiff, randomArray, report, testGpu, upload } from '../testing';
import { asFloat32, gradientError, numericalGradient, random64, reportGradient, weightedSum } from '../gradcheck';
import { matmulBackward } from './matmulBackward';
import { matmulBackwardRef } from './matmulBackward.ref';

const LAYOUTS: WeightLayout[] = ['kn', 'nk'];

describe('matmul backward reference', () => {
  for (const wLayout of LAYOUTS) {
    it(`matches finite differences (${wLayout})`, () => {
      const [M, N, K] = [3, 4, 5];
      const x = random64(M * K, 1);
      const w = random64(N * K, 2);
      const bias = random64(N, 3);
      const g = random64(M * N, 4);
      const loss = () => {
        const out = new Float64Array(M * N);
        matmulRef({ x: asFloat32(x), w: asFloat32(w), bias: asFloat32(bias), out: asFloat32(out), M, N, K, wLayout });
        return weightedSum(out, g);
      };
      const dx = new Float64Array(M * K);
      const dw = new Float64Array(N * K);
      const dbias = new Float64Array(N);
      matmulBackwardRef({ dout: g, x, w, dx, dw, dbias, M, N, K, wLayout, accumulate: false });
      expect(reportGradient(`matmul ${wLayout}`, 'x', gradientError(dx, numericalGradient(loss, x)))).toBeLessThan(1e-8);
      expect(reportGradient(`matmul ${wLayout}`, 'w', gradientError(dw, numericalGradient(loss, w)))).toBeLessThan(1e-8);
      expect(reportGradient(`matmul ${wLayout}`, 'bias', gradientError(dbias, numericalGradient(loss, bias)))).toBeLessThan(1e-8);
    });
  }
});

describe('matmul backward', () => {
  // The first four take the plain reductions (K not a multiple of 4); the rest the blocked kernel, with vec4 loads
  // (N a multiple of 4) or scalar ones ('nk' with an odd N, as a vocabulary), rows M not a multiple of 4.
  const shapes = [[1, 3, 17], [17, 65, 3], [65, 1, 17], [3, 17, 65], [1, 4, 8], [17, 12, 8], [65, 36, 20], [3, 1, 4], [13, 67, 12], [50, 97, 32]];
  for (const wLayout of LAYOUTS) {
    for (const [M, N, K] of shapes) {
      it(`matches the reference for ${wLayout} M=${M} N=${N} K=${K}, accumulating`, async () => {
        const gpu = await testGpu();
        const data = {
          dout: randomArray(M * N, 1), x: randomArray(M * K, 2), w: randomArray(N * K, 3),
          dx: randomArray(M * K, 4), dw: randomArray(N * K, 5), dbias: randomArray(N, 6),
        };
        const expected = { dx: data.dx.slice(), dw: data.dw.slice(), dbias: data.dbias.slice() };
        matmulBackwardRef({ dout: data.dout, x: data.x, w: data.w, ...expected, M, N, K, wLayout, accumulate: true });

        const t = {
          dout: upload(gpu, [M, N], 'f32', data.dout), x: upload(gpu, [M, K], 'f32', data.x), w: upload(gpu, [N * K], 'f32', data.w),
          dx: upload(gpu, [M, K], 'f32', data.dx), dw: upload(gpu, [N * K], 'f32', data.dw), dbias: upload(gpu, [N], 'f32', data.dbias),
        };
        const rec = gpu.recorder('matmul_backward.test');
        matmulBackward(rec, { ...t, M, N, K, wLayout, accumulate: true });
        const [dx, dw, dbias] = [rec.read(t.dx), rec.read(t.dw), rec.read(t.dbias)];
        await rec.submit();
        const shape = `${wLayout} M=${M} N=${N} K=${K}`;
        expect(report('matmul_backward dx', shape, maxAbsDiff(await dx, expected.dx))).toBeLessThan(1e-5);
        expect(report('matmul_backward dw', shape, maxAbsDiff(await dw, expected.dw))).toBeLessThan(1e-5);
        expect(report('matmul_backward dbias', shape, maxAbsDiff(await dbias, expected.dbias))).toBeLessThan(1e-5);
        Object.values(t).forEach((tensor) => gpu.release(tensor));
      });
    }
  }
});
