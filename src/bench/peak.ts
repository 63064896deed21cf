// The adapter's measured peaks, run before the rows so that each row can say what fraction of them it reaches: copy
// bandwidth (copyBufferToBuffer, bytes read plus written per second) and matmul throughput (our kernels on a large
// square product, the one the adapter gets by default and each tiled size beside it, so the table also says which
// tile suits this adapter). Wall times of whole submits waited on, best of a few rounds.

import type { Gpu } from '../gpu';
import { matmul, matmulVariant, type MatmulVariant } from '../kernels/matmul/matmul';
import { randomFloats } from './benchCase';

export interface AdapterPeak {
  /** GB/s of copyBufferToBuffer: bytes read plus bytes written. */
  copyGBs: number;
  copyMiB: number;
  /** GFLOP/s of the adapter's default matmul kernel at `matmulSize`³. */
  matmulGflops: number;
  matmulSize: number;
  matmulVariant: MatmulVariant;
  /** GFLOP/s of each of the square-product kernels at the same shape. */
  variants: Partial<Record<MatmulVariant, number>>;
}

const ROUNDS = 3;

export async function measurePeak(gpu: Gpu): Promise<AdapterPeak> {
  const software = gpu.info.isSoftwareAdapter;
  const copyMiB = software ? 32 : 256;
  const copies = software ? 2 : 8;
  const bytes = copyMiB * 2 ** 20;
  const source = gpu.tensor([bytes / 4], 'f32', 'peak.copy.source');
  const target = gpu.tensor([bytes / 4], 'f32', 'peak.copy.target');
  const copyMs = await best(gpu, () => {
    const encoder = gpu.device.createCommandEncoder({ label: 'peak.copy' });
    for (let i = 0; i < copies; i++) encoder.copyBufferToBuffer(source.buffer, 0, target.buffer, 0, bytes);
    gpu.device.queue.submit([encoder.finish()]);
  });
  gpu.release(source);
  gpu.release(target);

  const size = software ? 256 : 2048;
  const repeats = software ? 2 : 10;
  const x = gpu.tensor([size, size], 'f32', 'peak.x');
  const w = gpu.tensor([size, size], 'f32', 'peak.w');
  const out = gpu.tensor([size, size], 'f32', 'peak.out');
  gpu.write(x, randomFloats(size * size, 1));
  gpu.write(w, randomFloats(size * size, 2, 1 / Math.sqrt(size)));
  const args = { x, w, out, M: size, N: size, K: size, wLayout: 'kn' as const };
  const flops = 2 * size ** 3 * repeats;
  const chosen = matmulVariant(gpu.recorder('peak.choice'), args);
  const variants: Partial<Record<MatmulVariant, number>> = {};
  for (const variant of ['tiled-64', 'tiled-32', 'blocked'] as const) {
    const ms = await best(gpu, async () => {
      const rec = gpu.recorder(`peak.matmul.${variant}`);
      for (let i = 0; i < repeats; i++) matmul(rec, args, variant);
      await rec.submit();
    });
    variants[variant] = flops / ms / 1e6;
  }
  [x, w, out].forEach((tensor) => gpu.release(tensor));
  return {
    copyGBs: (2 * bytes * copies) / copyMs / 1e6,
    copyMiB,
    matmulGflops: variants[chosen] ?? 0,
    matmulSize: size,
    matmulVariant: chosen,
    variants,
  };
}

/** Fastest wall time of `work` until the GPU is idle, after one warm-up (pipelines compile, buffers settle). */
async function best(gpu: Gpu, work: () => unknown): Promise<number> {
  let fastest = Infinity;
  for (let round = 0; round <= ROUNDS; round++) {
    const started = performance.now();
    await work();
    await gpu.idle();
    if (round > 0) fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}
