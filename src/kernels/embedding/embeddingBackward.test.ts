import { describe, expect, it } from 'vitest';
import { embeddingRef } from './embedding.ref';
import { maxAbsDiff, randomArray, report, testGpu, upload } from '../testing';
import { asFloat32, gradientError, numericalGradient, random64, reportGradient, weightedSum } from '../gradcheck';
import { embeddingBackward } from './embeddingBackward';
import { embeddingBackwardRef } from './embeddingBackward.ref';

/** Ids drawn from a small range so that tokens repeat. */
function ids(count: number, range: number, seed: number): Uint32Array {
  return Uint32Array.from(randomArray(count, seed, 0, range), Math.floor);
}

describe('embedding backward reference', () => {
  it('matches finite differences, with repeated tokens and token types', () => {
    const [B, T, C, V, P, TV] = [2, 3, 4, 5, 4, 2];
    const tokenIds = ids(B * T, V, 1);
    const typeIds = ids(B * T, TV, 2);
    const wte = random64(V * C, 3);
    const wpe = random64(P * C, 4);
    const wtt = random64(TV * C, 5);
    const g = random64(B * T * C, 6);
    const loss = () => {
      const out = new Float64Array(B * T * C);
      embeddingRef({ ids: tokenIds, typeIds, wte: asFloat32(wte), wpe: asFloat32(wpe), wtt: asFloat32(wtt), out: asFloat32(out), B, T, C });
      return weightedSum(out, g);
    };
    const dwte = new Float64Array(V * C);
    const dwpe = new Float64Array(P * C);
    const dwtt = new Float64Array(TV * C);
    embeddingBackwardRef({ dout: g, ids: tokenIds, dwte, dwpe, typeIds, dwtt, B, T, C });
    expect(reportGradient('embedding', 'wte', gradientError(dwte, numericalGradient(loss, wte)))).toBeLessThan(1e-8);
    expect(reportGradient('embedding', 'wpe', gradientError(dwpe, numericalGradient(loss, wpe)))).toBeLessThan(1e-8);
    expect(reportGradient('embedding', 'wtt', gradientError(dwtt, numericalGradient(loss, wtt)))).toBeLessThan(1e-8);
  });
});

describe('embedding backward', () => {
  for (const [B, T, C, V] of [[1, 1, 3, 1], [3, 17, 3, 5], [2, 65, 17, 65], [1, 3, 65, 1000]]) {
    it(`matches the reference for B=${B} T=${T} C=${C} V=${V}`, async () => {
      const gpu = await testGpu();
      const [P, TV] = [T + 2, 2];
      const data = {
        dout: randomArray(B * T * C, 1), ids: ids(B * T, V, 2), typeIds: ids(B * T, TV, 3),
        dwte: randomArray(V * C, 4), dwpe: randomArray(P * C, 5), dwtt: randomArray(TV * C, 6),
      };
      const expected = { dwte: data.dwte.slice(), dwpe: data.dwpe.slice(), dwtt: data.dwtt.slice() };
      embeddingBackwardRef({ ...data, ...expected, B, T, C });

      const t = {
        dout: upload(gpu, [B * T, C], 'f32', data.dout), ids: upload(gpu, [B * T], 'u32', data.ids),
        typeIds: upload(gpu, [B * T], 'u32', data.typeIds), dwte: upload(gpu, [V, C], 'f32', data.dwte),
        dwpe: upload(gpu, [P, C], 'f32', data.dwpe), dwtt: upload(gpu, [TV, C], 'f32', data.dwtt),
      };
      const rec = gpu.recorder('embedding_backward.test');
      embeddingBackward(rec, { ...t, B, T, C });
      const names = ['dwte', 'dwpe', 'dwtt'] as const;
      const reads = names.map((name) => rec.read(t[name]));
      await rec.submit();
      for (const [i, name] of names.entries()) {
        expect(report(`embedding_backward ${name}`, `B=${B} T=${T} C=${C} V=${V}`, maxAbsDiff(await reads[i], expected[name]))).toBeLessThan(1e-5);
      }
      Object.values(t).forEach((tensor) => gpu.release(tensor));
    });
  }
});
