// The bench kit's program (bundled by scripts/bench-kit/build.mjs into bench.mjs): the benchmark of `npm run bench`
// in Node on Dawn (npm `webgpu`, whatever Vulkan driver the machine has) against onnxruntime-web's wasm backend, and
// its WebGPU backend on the same Dawn device where that starts in Node. Prints the table and writes the report as JSON.
//   node bench.mjs [--software] [--kernels] [--runs N] [--out FILE]
// --software: the scaled-down shapes (default on software adapters; hardware adapters get the full sizes);
// --kernels: only the peaks and the kernel rows (matmul, attention), a minute or so.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpus } from 'node:os';
import * as ortWasm from 'onnxruntime-web';
import { create, globals } from 'webgpu';
import { Gpu } from '../../src/gpu';
import { runBench } from '../../src/bench/runBench';
import { formatReport } from '../../src/bench/table';
import { matmulGraph } from '../../src/bench/opGraphs';
import { createOrtSession, type OrtModule, type OrtProvider } from '../../src/onnx/ortSession';

const args = process.argv.slice(2);
const option = (name: string) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
};
const out = option('--out') ?? `bench-kit-${new Date().toISOString().replace(/[:.]/g, '-')}.json`;
const runs = Number(option('--runs') ?? 10);

Object.assign(globalThis, globals);
// Dawn's GPU object must outlive its devices (Dawn aborts the process if it is garbage-collected): kept here.
const dawn = create([]);
const gpu = await Gpu.create({ gpu: dawn, powerPreference: 'high-performance' });
console.log(`bench kit: ${gpu.info.vendor} / ${gpu.info.architecture} (${gpu.info.description}); node ${process.version}; VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES ?? 'unset'}`);

const threads = Math.max(1, Math.min(4, cpus().length));
ortWasm.env.wasm.numThreads = threads;
const { ort, providers, note } = await ortWithWebgpu();
const wasmThreads = ort.env.wasm.numThreads;
console.log(`bench kit: onnxruntime-web ${ort.env.versions.web} with ${providers.join(' and ')} (wasm: ${wasmThreads} threads)${note ? `; ${note}` : ''}`);

const report = await runBench(
  { gpu, ort, providers },
  {
    scale: args.includes('--software') ? 'software' : args.includes('--full') ? 'full' : undefined,
    kernelsOnly: args.includes('--kernels'),
    timing: { warmup: 2, runs },
    heap: () => process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers,
    onRow: (row) => console.log(`bench kit: ${row.name}: ours ${row.ms.ours?.toFixed(2) ?? '—'} ms${row.error ? ` (${row.error.slice(0, 200)})` : ''}`),
  },
);
console.log(`\n${formatReport(report)}\n`);
writeFileSync(out, JSON.stringify({ ...report, node: process.version, ortProviders: providers, ortNote: note }, null, 2));
console.log(`bench kit: report written to ${out}`);
gpu.destroy();
process.exit(0);

/**
 * ORT's WebGPU backend needs navigator.gpu: Dawn's is offered to it, and a one-MatMul session tried. Where that
 * fails, ORT runs wasm only and the report says why.
 */
async function ortWithWebgpu(): Promise<{ ort: OrtModule; providers: OrtProvider[]; note?: string }> {
  try {
    Object.defineProperty(globalThis, 'navigator', { value: { gpu: dawn, hardwareConcurrency: threads, userAgent: 'node' }, configurable: true });
    const ort = (await import('onnxruntime-web/webgpu')) as unknown as OrtModule;
    ort.env.wasm.numThreads = 1; // its worker threads would fetch the wasm themselves, which Node cannot
    // Its wasm is fetched by URL in a browser; Node's fetch takes no file URLs, so the bytes are handed over.
    const dist = dirname(fileURLToPath(import.meta.resolve('onnxruntime-web/webgpu')));
    ort.env.wasm.wasmBinary = readFileSync(join(dist, 'ort-wasm-simd-threaded.asyncify.wasm'));
    const w = new Float32Array(16).fill(0.5);
    const session = await createOrtSession(ort, matmulGraph({ M: 2, K: 4, N: 4, use: 'probe' }, w), 'webgpu');
    const { y } = await session.run({ x: new ort.Tensor('float32', new Float32Array(8).fill(1), [2, 4]) });
    await session.release();
    if ((y.data as Float32Array)[0] !== 2) throw new Error(`a probe MatMul gave ${(y.data as Float32Array)[0]} instead of 2`);
    return { ort, providers: ['webgpu', 'wasm'] };
  } catch (error) {
    return { ort: ortWasm as unknown as OrtModule, providers: ['wasm'], note: `ORT WebGPU does not run in Node here: ${String(error).slice(0, 300)}` };
  }
}
