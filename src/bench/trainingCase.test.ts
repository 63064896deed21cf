// The training rows: our steps run and learn (GPT-2 causal LM, BERT classification), and the table says ORT cannot
// train instead of leaving blanks.
import * as ort from 'onnxruntime-web';
import { expect, it } from 'vitest';
import { testGpu } from '../kernels/testing';
import type { BenchRow, BenchReport } from './runBench';
import { formatReport } from './table';
import { NO_ORT_TRAINING, trainingCase } from './trainingCase';

const shapes = [
  { label: 'tiny GPT-2', config: { model_type: 'gpt2', vocab_size: 50, n_embd: 16, n_layer: 1, n_head: 2, n_positions: 8 }, task: 'causal-lm' as const, B: 2, T: 8 },
  {
    label: 'tiny BERT', task: 'classification' as const, B: 4, T: 6,
    config: { model_type: 'bert', vocab_size: 40, hidden_size: 16, num_hidden_layers: 1, num_attention_heads: 2, intermediate_size: 32, max_position_embeddings: 8 },
  },
];

for (const shape of shapes) {
  it(`times a ${shape.label} training step (${shape.task}) and marks the ORT columns n/a`, async () => {
    const gpu = await testGpu();
    const benchCase = await trainingCase({ gpu, ort, providers: ['webgpu', 'wasm'] }, shape);
    expect(benchCase.group).toBe('training');
    expect(benchCase.tokensPerRun).toBe(shape.B * shape.T);
    expect(Object.keys(benchCase.ort)).toEqual([]);
    const losses: number[] = [];
    for (let step = 0; step < 3; step++) losses.push((await benchCase.ours())[0]);
    console.log(`${shape.label} training row losses ${losses.map((loss) => loss.toFixed(4)).join(' ')}`);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[2]).toBeLessThan(losses[0]);
    await benchCase.dispose();

    const row: BenchRow = {
      group: 'training', name: benchCase.name, note: benchCase.note, perRun: 1, tokensPerSecond: 1600,
      ortUnavailable: { webgpu: NO_ORT_TRAINING, wasm: NO_ORT_TRAINING },
      ms: { ours: 10 }, gflops: { ours: 1 }, ofPeak: 0.25, speedup: {}, relativeDiff: {},
      profile: { dispatches: 40, kernelMs: {}, kernelCounts: {} }, gpuBytes: 0, runs: 10,
    };
    const report: BenchReport = {
      adapter: { vendor: 'v', architecture: 'a', description: '', isFallbackAdapter: true }, features: ['subgroups'],
      scale: 'software', ortVersion: '1.30.0', providers: ['webgpu', 'wasm'], timing: { warmup: 1, runs: 1 }, rows: [row], skipped: [],
      peak: { copyGBs: 10, copyMiB: 32, matmulGflops: 4, matmulSize: 256, matmulVariant: 'blocked', variants: { blocked: 4 } },
    };
    const text = formatReport(report);
    const cells = text.split('\n').find((line) => line.startsWith(benchCase.name))!.split(/\s{2,}/);
    expect(cells.filter((cell) => cell === 'n/a')).toHaveLength(6); // ms, ratio and GFLOP/s for each ORT provider
    expect(cells).toContain('1600');
    expect(cells).toContain('25.0%');
    expect(text).toContain(`${benchCase.name}: ORT webgpu, wasm: ${NO_ORT_TRAINING}`);
  });
}
