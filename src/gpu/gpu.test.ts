import { describe, expect, it } from 'vitest';
import { add } from '../kernels/add/add';
import { randomArray, testGpu, upload } from '../kernels/testing';
import { GpuError } from './errors';
import { sizeClass } from './pool';

describe('Gpu runtime', () => {
  it('describes the adapter and raises the storage binding limit', async () => {
    const gpu = await testGpu();
    console.log(`adapter: ${gpu.info.vendor} ${gpu.info.architecture}, fallback ${gpu.info.isFallbackAdapter}, f16 ${gpu.hasF16}`);
    expect(gpu.info.limits.maxStorageBufferBindingSize).toBeGreaterThan(128 * 1024 * 1024);
    expect(gpu.info.features).toContain('timestamp-query');
  });

  it('counts bytes in use, notifies subscribers and reuses released buffers by size class', async () => {
    const gpu = await testGpu();
    const seen: number[] = [];
    const unsubscribe = gpu.onBytesChanged((bytes) => seen.push(bytes));
    const before = gpu.bytesInUse;
    const first = gpu.tensor([1000], 'f32', 'first');
    expect(gpu.bytesInUse - before).toBe(sizeClass(4000));
    const buffer = first.buffer;
    gpu.release(first);
    expect(gpu.bytesInUse).toBe(before);
    const second = gpu.tensor([990], 'f32', 'second');
    expect(second.buffer).toBe(buffer);
    gpu.release(second);
    unsubscribe();
    expect(seen).toEqual([before + sizeClass(4000), before, before + sizeClass(4000), before]);
    expect(() => gpu.release(second)).toThrow(GpuError);
  });

  it('reads windows of u32, f32 and f16 tensors after one submit', async () => {
    const gpu = await testGpu();
    const ids = upload(gpu, [5], 'u32', Uint32Array.of(7, 8, 9, 10, 11));
    const values = upload(gpu, [4], 'f32', Float32Array.of(0.5, -1, 2, 3));
    const rec = gpu.recorder('reads');
    const idWindow = rec.read(ids, 1, 3);
    const all = rec.read(values);
    await rec.submit();
    expect([...(await idWindow)]).toEqual([8, 9, 10]);
    expect([...(await all)]).toEqual([0.5, -1, 2, 3]);
    await expect(rec.submit()).rejects.toThrow(GpuError);
    gpu.release(ids);
    gpu.release(values);
  });

  it('rethrows validation errors as GpuError with a plain message', async () => {
    const gpu = await testGpu();
    const a = gpu.tensor([4], 'f32', 'a');
    const rec = gpu.recorder('invalid');
    add(rec, { a, b: a, out: a, n: 4 }); // a bound read-only and writable at once
    await expect(rec.submit()).rejects.toThrow(/invalid: encoding and submission: .+/);
    gpu.release(a);
    expect(() => gpu.tensor([2 ** 40], 'f32', 'huge')).toThrow(/needs .* at most/);
  });

  it('times each dispatch of a profiled recording', async () => {
    const gpu = await testGpu();
    const n = 4096;
    const a = upload(gpu, [n], 'f32', randomArray(n, 1));
    const out = gpu.tensor([n], 'f32', 'out');
    const rec = gpu.recorder('profiled', { profile: true });
    add(rec, { a, b: a, out, n });
    add(rec, { a: out, b: a, out: out, n });
    await rec.submit();
    const timings = await rec.timings();
    expect(timings.map((timing) => timing.label)).toEqual(['add', 'add_in_place']);
    for (const timing of timings) expect(timing.ms).toBeGreaterThanOrEqual(0);
    gpu.release(a);
    gpu.release(out);
  });
});
