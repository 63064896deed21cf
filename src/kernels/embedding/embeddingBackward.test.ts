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

  it('matches finite differences with explicit position ids (RoBERTa: padding repeats one row)', () => {
    const [B, T, C, V, P] = [2, 4, 3, 5, 7];
    const tokenIds = ids(B * T, V, 7);
    const positionIds = Uint32Array.of(2, 3, 4, 5, 1, 1, 2, 3); // a right-padded row, then a left-padded one
    const wte = random64(V * C, 8);
    const wpe = random64(P * C, 9);
    const g = random64(B * T * C, 10);
    const loss = () => {
      const out = new Float64Array(B * T * C);
      embeddingRef({ ids: tokenIds, positionIds, wte: asFloat32(wte), wpe: asFloat32(wpe), out: asFloat32(out), B, T, C });
      return weightedSum(out, g);
    };
    const dwte = new Float64Array(V * C);
    const dwpe = new Float64Array(P * C);
    embeddingBackwardRef({ dout: g, ids: tokenIds, dwte, dwpe, positionIds, B, T, C });
    expect(reportGradient('embedding', 'wpe by position id', gradientError(dwpe, numericalGradient(loss, wpe)))).toBeLessThan(1e-8);
    expect(reportGradient('embedding', 'wte with position ids', gradientError(dwte, numericalGradient(loss, wte)))).toBeLessThan(1e-8);
  });
});

describe('embedding backward', () => {
  const cases = [[1, 1, 3, 1], [3, 17, 3, 5], [2, 65, 17, 65], [1, 3, 65, 1000]].map(([B, T, C, V]) => ({ B, T, C, V, explicitPositions: false }));
  cases.push({ B: 3, T: 9, C: 5, V: 40, explicitPositions: true }, { B: 2, T: 65, C: 17, V: 65, explicitPositions: true });
  for (const { B, T, C, V, explicitPositions } of cases) {
    const name = `B=${B} T=${T} C=${C} V=${V}${explicitPositions ? ' +position ids' : ''}`;
    it(`matches the reference for ${name}`, async () => {
      const gpu = await testGpu();
      const [P, TV] = [T + 2, 2];
      const data = {
        dout: randomArray(B * T * C, 1), ids: ids(B * T, V, 2), typeIds: ids(B * T, TV, 3),
        dwte: randomArray(V * C, 4), dwpe: randomArray(P * C, 5), dwtt: randomArray(TV * C, 6),
        positionIds: explicitPositions ? ids(B * T, 4, 7) : undefined, // few distinct rows: positions repeat, as padding's do
      };
      const expected = { dwte: data.dwte.slice(), dwpe: data.dwpe.slice(), dwtt: data.dwtt.slice() };
      embeddingBackwardRef({ ...data, ...expected, B, T, C });

      const t = {
        dout: upload(gpu, [B * T, C], 'f32', data.dout), ids: upload(gpu, [B * T], 'u32', data.ids),
        typeIds: upload(gpu, [B * T], 'u32', data.typeIds), dwte: upload(gpu, [V, C], 'f32', data.dwte),
        dwpe: upload(gpu, [P, C], 'f32', data.dwpe), dwtt: upload(gpu, [TV, C], 'f32', data.dwtt),
      };
      const positionIds = data.positionIds && upload(gpu, [B * T], 'u32', data.positionIds);
      const rec = gpu.recorder('embedding_backward.test');
      embeddingBackward(rec, { ...t, positionIds, B, T, C });
      const names = ['dwte', 'dwpe', 'dwtt'] as const;
      const reads = names.map((tensor) => rec.read(t[tensor]));
      await rec.submit();
      for (const [i, tensor] of names.entries()) {
        expect(report(`embedding_backward ${tensor}`, name, maxAbsDiff(await reads[i], expected[tensor]))).toBeLessThan(1e-5);
      }
      [...Object.values(t), positionIds].forEach((tensor) => tensor && gpu.release(tensor));
    });
  }

  it('leaves a fixed position table out (no dwpe): only the token rows are added to', async () => {
    const gpu = await testGpu();
    const [B, T, C, V] = [2, 3, 4, 6];
    const data = { dout: randomArray(B * T * C, 11), ids: ids(B * T, V, 12), dwte: new Float32Array(V * C) };
    const expected = data.dwte.slice();
    embeddingBackwardRef({ ...data, dwte: expected, B, T, C });
    const t = { dout: upload(gpu, [B * T, C], 'f32', data.dout), ids: upload(gpu, [B * T], 'u32', data.ids), dwte: upload(gpu, [V, C], 'f32', data.dwte) };
    const rec = gpu.recorder('embedding_backward.fixed_positions.test');
    embeddingBackward(rec, { ...t, B, T, C });
    const read = rec.read(t.dwte);
    await rec.submit();
    expect(report('embedding_backward dwte', 'no dwpe', maxAbsDiff(await read, expected))).toBeLessThan(1e-6);
    expect(rec.dispatchCount).toBe(1);
    Object.values(t).forEach((tensor) => gpu.release(tensor));
  });
});
