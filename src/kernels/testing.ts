// Shared helpers for the kernel tests, which run in Node on Dawn (npm `webgpu`), SwiftShader on CI machines.
import { afterAll } from 'vitest';
import { create, globals } from 'webgpu';
import { Gpu, type DType, type Tensor } from '../gpu';
import { Rng } from '../common/random';

const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

let shared: Promise<Gpu> | null = null;
/** Dawn's GPU object must outlive its devices: if it is garbage-collected, the worker aborts. */
let dawn: GPU | null = null;

/** One Gpu per test file. Throws (never skips) when WebGPU cannot be obtained. */
export function testGpu(): Promise<Gpu> {
  shared ??= createTestGpu();
  return shared;
}

// Dawn crashes the worker at exit when a device is still alive.
afterAll(async () => {
  if (shared) (await shared).destroy();
  shared = null;
  dawn = null;
});

async function createTestGpu(): Promise<Gpu> {
  const { existsSync } = (await import('node:fs' as string)) as { existsSync(path: string): boolean };
  const env = (globalThis as unknown as { process: { env: Record<string, string | undefined> } }).process.env;
  if (!env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER_ICD)) env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
  Object.assign(globalThis, globals);
  try {
    dawn = create([]);
    return await Gpu.create({ gpu: dawn });
  } catch (error) {
    throw new Error(`WebGPU is unavailable in Node (VK_ICD_FILENAMES=${env.VK_ICD_FILENAMES ?? 'unset'}): ${String(error)}`);
  }
}

/** Deterministic uniform numbers in [lo, hi) (mulberry32). */
export function randomArray(length: number, seed: number, lo = -1, hi = 1): Float32Array {
  const rng = new Rng(seed);
  return Float32Array.from({ length }, () => lo + (hi - lo) * rng.next());
}

export function upload<D extends DType>(gpu: Gpu, shape: number[], dtype: D, data: Float32Array | Uint32Array, label = 'input'): Tensor<D> {
  const tensor = gpu.tensor(shape, dtype, label);
  gpu.write(tensor, data);
  return tensor;
}

export { maxAbsDiff } from '../common/numeric';

/** Prints one line per case, llm.c style, and returns the error for the assertion. */
export function report(kernel: string, shape: string, error: number): number {
  console.log(`${kernel} ${shape}: max abs error ${error.toExponential(2)}`);
  return error;
}
