// The training row: our step runs and learns, and the table says ORT cannot train instead of leaving blanks.
import * as ort from 'onnxruntime-web';
import { expect, it } from 'vitest';
import { testGpu } from '../kernels/testing';
import type { BenchRow, BenchReport } from './runBench';
import { formatReport } from './table';
import { NO_ORT_TRAINING, trainingCase } from './trainingCase';

it('times a GPT-2 training step and marks the ORT columns n/a', async () => {
  const gpu = await testGpu();
  const shape = { gpt2: { vocab_size: 50, n_embd: 16, n_layer: 1, n_head: 2, n_positions: 8 }, B: 2, T: 8 };
  const benchCase = await trainingCase({ gpu, ort, providers: ['webgpu', 'wasm'] }, shape);
  expect(benchCase.group).toBe('training');
  expect(benchCase.tokensPerRun).toBe(16);
  expect(Object.keys(benchCase.ort)).toEqual([]);
  const losses: number[] = [];
  for (let step = 0; step < 3; step++) losses.push((await benchCase.ours())[0]);
  console.log(`training row losses ${losses.map((loss) => loss.toFixed(4)).join(' ')}`);
  expect(losses.every(Number.isFinite)).toBe(true);
  expect(losses[2]).toBeLessThan(losses[0]);
  await benchCase.dispose();

  const row: BenchRow = {
    group: 'training', name: benchCase.name, note: benchCase.note, perRun: 1, tokensPerSecond: 1600,
    ortUnavailable: { webgpu: NO_ORT_TRAINING, wasm: NO_ORT_TRAINING },
    ms: { ours: 10 }, gflops: { ours: 1 }, speedup: {}, relativeDiff: {},
    profile: { dispatches: 40, kernelMs: {}, kernelCounts: {} }, gpuBytes: 0,
  };
  const report: BenchReport = {
    adapter: { vendor: 'v', architecture: 'a', description: '', isFallbackAdapter: true },
    scale: 'software', ortVersion: '1.30.0', providers: ['webgpu', 'wasm'], timing: { warmup: 1, runs: 1 }, rows: [row],
  };
  const text = formatReport(report);
  const cells = text.split('\n').find((line) => line.startsWith(benchCase.name))!.split(/\s{2,}/);
  expect(cells.filter((cell) => cell === 'n/a')).toHaveLength(6); // ms, GFLOP/s and ratio for each ORT provider
  expect(cells).toContain('1600');
  expect(text).toContain(`${benchCase.name}: ORT webgpu, wasm: ${NO_ORT_TRAINING}`);
});
