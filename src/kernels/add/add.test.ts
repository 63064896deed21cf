import { describe, expect, it } from 'vitest';
import { maxAbsDiff, randomArray, report, testGpu, upload } from '../testing';
import { add } from './add';
import { addRef } from './add.ref';

describe('add', () => {
  for (const n of [1, 3, 17, 65, 129, 70_001]) {
    it(`matches the reference for n=${n}, out-of-place and in place`, async () => {
      const gpu = await testGpu();
      const aData = randomArray(n, 1);
      const bData = randomArray(n, 2);
      const expected = new Float32Array(n);
      addRef({ a: aData, b: bData, out: expected, n });

      const a = upload(gpu, [n], 'f32', aData);
      const b = upload(gpu, [n], 'f32', bData);
      const out = gpu.tensor([n], 'f32', 'out');
      const rec = gpu.recorder('add.test');
      add(rec, { a, b, out, n });
      const outOfPlace = rec.read(out);
      add(rec, { a, b, out: a, n });
      const inPlace = rec.read(a);
      await rec.submit();
      expect(rec.dispatchCount).toBe(2);
      expect(report('add', `n=${n}`, maxAbsDiff(await outOfPlace, expected))).toBe(0);
      expect(report('add in place', `n=${n}`, maxAbsDiff(await inPlace, expected))).toBe(0);
      for (const tensor of [a, b, out]) gpu.release(tensor);
    });
  }
});
