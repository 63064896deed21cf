import { describe, expect, it } from 'vitest';
import { randomArray, report, testGpu, upload } from '../testing';
import { gradNorm, gradNormSlots } from './gradNorm';
import { gradNormRef } from './gradNorm.ref';

describe('global gradient norm', () => {
  it('is √(Σ g²) over all tensors', () => {
    expect(gradNormRef([Float32Array.of(3), Float32Array.of(0, 4)])).toBe(5);
  });

  it('matches the reference over tensors of 1, 3, 17, 65, 4096, 70001 and 300001 elements', async () => {
    const gpu = await testGpu();
    const data = [1, 3, 17, 65, 4096, 70_001, 300_001].map((n) => randomArray(n, n));
    const expected = gradNormRef(data);
    const grads = data.map((values, i) => upload(gpu, [values.length], 'f32', values, `grad${i}`));
    const partials = gpu.tensor([gradNormSlots(grads)], 'f32', 'partials');
    const norm = gpu.tensor([1], 'f32', 'norm');
    const rec = gpu.recorder('grad_norm.test');
    gradNorm(rec, { grads, partials, norm });
    const actual = rec.read(norm);
    await rec.submit();
    const [value] = await actual;
    expect(report('grad_norm', '7 tensors', Math.abs(value - expected) / expected)).toBeLessThan(1e-6);
    [...grads, partials, norm].forEach((tensor) => gpu.release(tensor));
  });
});
