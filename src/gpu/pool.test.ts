import { describe, expect, it } from 'vitest';
import { testGpu } from '../kernels/testing';
import { Gpu } from './gpu';
import { POOL_RESERVE_BYTES, sizeClass } from './pool';

describe('buffer pool: allocated bytes and trimming', () => {
  it('counts allocated bytes (in use plus pooled) and gives all but a small reserve back on trim', async () => {
    const gpu = await testGpu();
    gpu.trim(0);
    const base = gpu.bytesAllocated;
    const seen: [number, number][] = [];
    const off = gpu.onBytesChanged((inUse, allocated) => seen.push([inUse, allocated]));
    // A "model" of 40 MB in 10 tensors, a few small activations, then unloaded.
    const big = Array.from({ length: 10 }, (_, i) => gpu.tensor([1_000_000], 'f32', `w${i}`));
    const small = Array.from({ length: 8 }, (_, i) => gpu.tensor([1000], 'f32', `a${i}`));
    const allocated = 10 * sizeClass(4_000_000) + 8 * sizeClass(4000);
    expect(gpu.bytesAllocated - base).toBe(allocated);
    [...big, ...small].forEach((tensor) => gpu.release(tensor));
    expect(gpu.bytesAllocated - base).toBe(allocated); // released tensors stay allocated in the pool
    gpu.trim();
    const afterTrim = gpu.bytesAllocated - base;
    console.log(`allocated after unloading 40 MB: ${afterTrim} bytes (reserve ${POOL_RESERVE_BYTES})`);
    expect(afterTrim).toBeLessThanOrEqual(POOL_RESERVE_BYTES);
    expect(afterTrim).toBeGreaterThanOrEqual(8 * sizeClass(4000)); // the small buffers are the ones kept
    expect(seen.at(-1)).toEqual([gpu.bytesInUse, gpu.bytesAllocated]);
    // A kept buffer is reused; trim(0) keeps nothing.
    const again = gpu.tensor([1000], 'f32', 'again');
    expect(gpu.bytesAllocated - base).toBe(afterTrim);
    gpu.release(again);
    gpu.trim(0);
    expect(gpu.bytesAllocated).toBe(base);
    off();
  });

  it('rejects a read in flight when the device is destroyed with a message about device loss, not mapAsync', async () => {
    const { create } = await import('webgpu');
    const dawn = create([]);
    const lost: string[] = [];
    const gpu = await Gpu.create({ gpu: dawn, onLost: (reason) => lost.push(reason) });
    const tensor = gpu.tensor([1 << 20], 'f32', 'x');
    const rec = gpu.recorder('probe');
    const data = rec.read(tensor);
    const submitted = rec.submit();
    gpu.device.destroy(); // what a driver reset looks like to the page (the e2e test hook does the same)
    const error = await submitted.then(() => null, (caught: unknown) => caught as Error);
    const readError = await data.then(() => null, (caught: unknown) => caught as Error);
    console.log(`in-flight call after device.destroy(): ${error?.message}`);
    expect(error?.name).toBe('DeviceLostError');
    expect(error?.message).toMatch(/^The GPU device was lost while running probe/);
    expect(error?.message).not.toMatch(/mapAsync|Failed to execute/);
    expect(readError).toBe(error);
    expect(gpu.isLost).toBe(true);
    expect(gpu.bytesAllocated).toBe(0);
    expect(lost).toHaveLength(1);
    void dawn; // keep the Dawn instance alive until here
  });
});
