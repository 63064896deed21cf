// Compiling a model's pipelines ahead at load (Backend.compileAhead, what the engine does on hardware GPUs): the dry
// run computes nothing and leaves no state behind, and the forward after it gives the torch reference's logits.
import { expect, it } from 'vitest';
import { testGpu } from '../kernels/testing';
import { buildModel } from './checkpoint';
import { createGpuBackend } from './gpuBackend';
import { FIXTURES, maxAbsDiff, pickColumns, readCheckpoint, readGolden } from './testing/golden';

it('a dry-run forward compiles the pipelines ahead without submitting; the real forward then matches the reference', async () => {
  const gpu = await testGpu();
  const dir = `${FIXTURES}/models/tiny-llama`;
  const { model, config } = buildModel(createGpuBackend(gpu, 'compile-ahead.test', { weights: 'q8' }), readCheckpoint(dir));
  const submit = gpu.device.queue.submit;
  let submits = 0;
  gpu.device.queue.submit = (buffers) => {
    submits++;
    submit.call(gpu.device.queue, buffers);
  };
  let dryLogits: Float32Array | undefined;
  const compiled = await model.backend.compileAhead(async () => {
    dryLogits = (await model.forward({ ids: [3, 1, 4] }, { logits: 'last' })).logits;
  });
  gpu.device.queue.submit = submit;
  expect(submits).toBe(0);
  expect(dryLogits!.every((value) => value === 0)).toBe(true);
  console.log(`compileAhead: ${compiled} pipelines new to this Gpu compiled ahead`);
  model.resetCache();

  // The same model built fresh (no dry run) gives the same logits, and both the torch reference's on q8 weights.
  const [c] = readGolden(`${FIXTURES}/packed/tiny-llama.q8.json`).cases;
  const after = (await model.forward({ ids: c.input_ids }, { logits: 'all' })).logits!;
  const fresh = buildModel(createGpuBackend(gpu, 'compile-ahead.fresh', { weights: 'q8' }), readCheckpoint(dir)).model;
  const expected = (await fresh.forward({ ids: c.input_ids }, { logits: 'all' })).logits!;
  expect(maxAbsDiff(after, expected)).toBe(0);
  expect(maxAbsDiff(pickColumns(after, config.dims.V, c.logits_probe_columns), c.logits_probe.flat())).toBeLessThan(1e-4);
  model.dispose();
  fresh.dispose();
});
