// The kernel rows of the benchmark in Node: our WGSL on Dawn (npm `webgpu`; SwiftShader unless a real GPU's Vulkan
// driver is found) against onnxruntime-web's wasm backend (Node has no ORT WebGPU). Same cases and agreement check
// as the page. Run: VK_ICD_FILENAMES=... npx vitest bench --run src/bench/testing/kernels.bench.ts
import * as ort from 'onnxruntime-web';
import { bench, describe } from 'vitest';
import { testGpu } from '../../kernels/testing';
import type { BenchCase } from '../benchCase';
import { attentionCase } from '../attentionCase';
import { matmulCase } from '../matmulCase';
import { benchShapes } from '../shapes';
import { AGREEMENT, DEFAULT_TIMING, relativeMaxDiff } from '../timing';

ort.env.wasm.numThreads = 1;
const gpu = await testGpu();
const context = { gpu, ort, providers: ['wasm' as const] };
const shapes = benchShapes(gpu.info.isSoftwareAdapter ? 'software' : 'full');
const cases: BenchCase[] = [];
for (const shape of shapes.matmul) cases.push(await matmulCase(context, shape));
for (const shape of shapes.attention) cases.push(await attentionCase(context, shape));

const options = { warmupIterations: DEFAULT_TIMING.warmup, iterations: DEFAULT_TIMING.runs, time: 0, warmupTime: 0 };
console.log(`adapter: ${gpu.info.vendor} / ${gpu.info.architecture}${gpu.info.isFallbackAdapter ? ' (software fallback)' : ''}; shapes: ${shapes.scale}`);

for (const benchCase of cases) {
  const wasm = benchCase.ort.wasm!;
  const diff = relativeMaxDiff(await benchCase.ours(), await wasm());
  if (!(diff <= AGREEMENT)) throw new Error(`${benchCase.name}: our output differs from ORT wasm (relative ${diff})`);
  describe(`${benchCase.name} (${(benchCase.flops / 1e6).toFixed(1)} MFLOP, agree to ${diff.toExponential(1)})`, () => {
    bench('ours (Dawn)', async () => void (await benchCase.ours()), options);
    bench('ORT wasm', async () => void (await wasm()), options);
  });
}
