import { expect, it } from 'vitest';
import { randomArray, testGpu, upload } from '../testing';
import { fill } from './fill';

it('fills the first n elements, the whole tensor by default', async () => {
  const gpu = await testGpu();
  const data = randomArray(300, 1);
  const a = upload(gpu, [300], 'f32', data);
  const b = upload(gpu, [300], 'f32', data);
  const rec = gpu.recorder('fill.test');
  fill(rec, { out: a, value: 0 });
  fill(rec, { out: b, value: 2.5, n: 257 });
  const [readA, readB] = [rec.read(a), rec.read(b)];
  await rec.submit();
  expect([...(await readA)].every((value) => value === 0)).toBe(true);
  const filled = await readB;
  expect([...filled.subarray(0, 257)].every((value) => value === 2.5)).toBe(true);
  expect(filled.subarray(257)).toEqual(data.subarray(257));
  gpu.release(a);
  gpu.release(b);
});
