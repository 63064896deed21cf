import { describe, expect, it } from 'vitest';
import { f16BitsToFloat32, float32ToF16Bits } from '../../common/half';
import { maxAbsDiff, randomArray, report, testGpu, upload } from '../testing';
import { embedding } from './embedding';
import { embeddingRef } from './embedding.ref';
import { uploadPacked } from '../matmul/packed';
import { packWeight, unpackWeight } from '../matmul/packed.ref';

describe('embedding', () => {
  const cases = [
    { B: 1, T: 1, C: 1, V: 1, positions: 1, positionOffset: 0, types: 0 },
    { B: 1, T: 3, C: 17, V: 65, positions: 20, positionOffset: 0, types: 2 },
    { B: 2, T: 17, C: 65, V: 129, positions: 40, positionOffset: 0, types: 0 },
    { B: 3, T: 1, C: 129, V: 17, positions: 70, positionOffset: 65, types: 0 }, // decode steps with a KV cache
    { B: 2, T: 65, C: 3, V: 1000, positions: 65, positionOffset: 0, types: 2 },
    { B: 2, T: 9, C: 20, V: 50, positions: 14, positionOffset: 0, types: 1, explicitPositions: true }, // RoBERTa's ids
  ];
  for (const { B, T, C, V, positions, positionOffset, types, explicitPositions } of cases) {
    const name = `B=${B} T=${T} C=${C} V=${V} offset=${positionOffset}${types ? ' +types' : ''}${explicitPositions ? ' +position ids' : ''}`;
    it(`matches the reference for ${name}`, async () => {
      const gpu = await testGpu();
      const idsData = Uint32Array.from(randomArray(B * T, T + C, 0, V), Math.floor);
      const typeIdsData = types ? Uint32Array.from(randomArray(B * T, 5, 0, types), Math.floor) : undefined;
      const wteData = randomArray(V * C, 1);
      const wpeData = randomArray(positions * C, 2);
      const wttData = types ? randomArray(types * C, 3) : undefined;
      const positionIdsData = explicitPositions ? Uint32Array.from(randomArray(B * T, 7, 0, positions), Math.floor) : undefined;
      const expected = new Float32Array(B * T * C);
      embeddingRef({ ids: idsData, wte: wteData, wpe: wpeData, typeIds: typeIdsData, wtt: wttData, positionIds: positionIdsData, out: expected, B, T, C, positionOffset });

      const ids = upload(gpu, [B, T], 'u32', idsData, 'ids');
      const wte = upload(gpu, [V, C], 'f32', wteData, 'wte');
      const wpe = upload(gpu, [positions, C], 'f32', wpeData, 'wpe');
      const typeIds = typeIdsData && upload(gpu, [B, T], 'u32', typeIdsData, 'type_ids');
      const wtt = wttData && upload(gpu, [types, C], 'f32', wttData, 'wtt');
      const positionIds = positionIdsData && upload(gpu, [B, T], 'u32', positionIdsData, 'position_ids');
      const out = gpu.tensor([B, T, C], 'f32', 'out');
      const rec = gpu.recorder('embedding.test');
      embedding(rec, { ids, wte, wpe, typeIds, wtt, positionIds, out, B, T, C, positionOffset });
      const actual = rec.read(out);
      await rec.submit();
      expect(report('embedding', name, maxAbsDiff(await actual, expected))).toBeLessThan(1e-6);
      for (const tensor of [ids, wte, wpe, typeIds, wtt, positionIds, out]) if (tensor) gpu.release(tensor);
    });
  }
});

describe('embedding with an f16 token table (only where the adapter has shader-f16)', () => {
  it('matches the reference on f16-rounded embeddings', async (context) => {
    const gpu = await testGpu();
    if (!gpu.hasF16) context.skip();
    const [T, C, V] = [5, 6, 9];
    const idsData = Uint32Array.of(0, 8, 3, 3, 5);
    const wteData = f16BitsToFloat32(float32ToF16Bits(randomArray(V * C, 1)));
    const wpeData = randomArray(T * C, 2);
    const expected = new Float32Array(T * C);
    embeddingRef({ ids: idsData, wte: wteData, wpe: wpeData, out: expected, T, C });

    const ids = upload(gpu, [T], 'u32', idsData, 'ids');
    const wte = upload(gpu, [V * C], 'f16', wteData, 'wte');
    const wpe = upload(gpu, [T, C], 'f32', wpeData, 'wpe');
    const out = gpu.tensor([T, C], 'f32', 'out');
    const rec = gpu.recorder('embedding.f16.test');
    embedding(rec, { ids, wte, wpe, out, T, C });
    const actual = rec.read(out);
    await rec.submit();
    expect(report('embedding f16', `T=${T} C=${C}`, maxAbsDiff(await actual, expected))).toBeLessThan(1e-6);
    for (const tensor of [ids, wte, wpe, out]) gpu.release(tensor);
  });
});

// A packed token table (f16, q8, q4: kernels/matmul/packed.ref.ts), as a packed tied LM head stores it: the lookup
// reads what unpackWeight gives.
describe('embedding with a packed token table', () => {
  for (const format of ['f16', 'q8', 'q4'] as const) {
    it(`matches the reference on the unpacked ${format} table`, async () => {
      const gpu = await testGpu();
      const [B, T, C, V] = [2, 7, 64, 50];
      const idsData = Uint32Array.from(randomArray(B * T, 9, 0, V), Math.floor);
      idsData[0] = V - 1; // the last row, whose scales are the table's last
      const table = packWeight(randomArray(V * C, 1), V, C, 'nk', format);
      const wpeData = randomArray(T * C, 2);
      const expected = new Float32Array(B * T * C);
      embeddingRef({ ids: idsData, wte: unpackWeight(table), wpe: wpeData, out: expected, B, T, C });

      const ids = upload(gpu, [B, T], 'u32', idsData, 'ids');
      const wte = uploadPacked(gpu, table, 'wte');
      const wpe = upload(gpu, [T, C], 'f32', wpeData, 'wpe');
      const out = gpu.tensor([B, T, C], 'f32', 'out');
      const rec = gpu.recorder('embedding.packed.test');
      embedding(rec, { ids, wte, wpe, out, B, T, C });
      const actual = rec.read(out);
      await rec.submit();
      expect(report('embedding packed', `${format} B=${B} T=${T} C=${C}`, maxAbsDiff(await actual, expected))).toBeLessThan(1e-6);
      expect(() => embedding(gpu.recorder('refused'), { ids, wte, wpe, out, B, T, C: 32 })).toThrow(/packed table of rows of 64/);
      for (const tensor of [ids, wte, wpe, out]) gpu.release(tensor);
    });
  }
});
