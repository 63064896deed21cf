import { describe, expect, it } from 'vitest';
import { randomArray, testGpu, upload } from '../testing';
import { copyRows } from './copyRows';
import { copyRowsRef, type CopyRowsArgs } from './copyRows.ref';

type Geometry = Omit<CopyRowsArgs<Float32Array>, 'src' | 'dst'> & { srcLength: number; dstLength: number };

// The KV cache's use (the k|v columns of new q|k|v rows into rows [past, past + T) of the cache), a decode step's one
// row, a block that fills its destination, and a copy large enough to need a second dimension of workgroups.
const cases: [string, Geometry][] = [
  ['k|v of 5 q|k|v rows into a cache at row 7', { rows: 5, cols: 8, srcStride: 12, srcCol: 4, dstStride: 8, dstRow: 7, srcLength: 60, dstLength: 16 * 8 }],
  ['one decode row', { rows: 1, cols: 1536, srcStride: 2304, srcCol: 768, dstStride: 1536, dstRow: 1023, srcLength: 2304, dstLength: 1024 * 1536 }],
  ['a whole matrix', { rows: 3, cols: 7, srcStride: 7, dstStride: 7, srcLength: 21, dstLength: 21 }],
  ['offsets on both sides', { rows: 4, cols: 3, srcStride: 9, srcRow: 2, srcCol: 5, dstStride: 6, dstRow: 1, dstCol: 2, srcLength: 6 * 9, dstLength: 5 * 6 }],
  ['past 65,535 workgroups of one row', { rows: 300, cols: 60_000, srcStride: 60_001, srcCol: 1, dstStride: 60_000, srcLength: 300 * 60_001, dstLength: 300 * 60_000 }],
];

describe('copyRows', () => {
  for (const [name, { srcLength, dstLength, ...geometry }] of cases) {
    it(`copies exactly what the reference copies and nothing else: ${name}`, async () => {
      const gpu = await testGpu();
      const srcData = randomArray(srcLength, 1);
      const dstData = randomArray(dstLength, 2);
      const expected = dstData.slice();
      copyRowsRef({ src: srcData, dst: expected, ...geometry });

      const src = upload(gpu, [srcLength], 'f32', srcData, 'src');
      const dst = upload(gpu, [dstLength], 'f32', dstData, 'dst');
      const rec = gpu.recorder('copyRows.test');
      copyRows(rec, { src, dst, ...geometry });
      const actual = rec.read(dst);
      await rec.submit();
      const result = await actual;
      let mismatches = 0;
      for (let i = 0; i < dstLength; i++) if (result[i] !== expected[i]) mismatches++;
      expect(mismatches).toBe(0);
      for (const tensor of [src, dst]) gpu.release(tensor);
    });
  }
  it('refuses to copy a tensor onto itself', async () => {
    const gpu = await testGpu();
    const t = upload(gpu, [4], 'f32', new Float32Array(4), 't');
    const rec = gpu.recorder('copyRows.test');
    expect(() => copyRows(rec, { src: t, dst: t, rows: 1, cols: 2, srcStride: 4, dstStride: 4, dstCol: 2 })).toThrow('src and dst must be different tensors');
    await rec.submit();
    gpu.release(t);
  });
});
