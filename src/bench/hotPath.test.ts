// The decode hot path on our kernels: one queue submit per generated token, and from the third step on no new bind
// groups (the pool hands back the same buffers, so the cached bind groups match).
import { expect, it } from 'vitest';
import { testGpu } from '../kernels/testing';
import { buildModel } from '../models/checkpoint';
import { createGpuBackend } from '../models/gpuBackend';
import { syntheticGpt2Config, syntheticGpt2Tensors } from '../models/synthetic';
import { SafetensorsFile } from '../weights/safetensors';
import { writeSafetensors } from '../weights/safetensors-writer';

it('decodes with one submit per token and reuses its bind groups', async () => {
  const gpu = await testGpu();
  const config = syntheticGpt2Config({ vocab_size: 101, n_embd: 32, n_layer: 2, n_head: 2, n_positions: 32 });
  const weights = SafetensorsFile.parse(writeSafetensors(syntheticGpt2Tensors(config)));
  const { model } = buildModel(createGpuBackend(gpu, 'hot-path'), { config: config.raw, weights });
  const { device } = gpu;
  const counts = { submits: 0, bindGroups: 0 };
  const submit = device.queue.submit;
  const createBindGroup = device.createBindGroup;
  device.queue.submit = (buffers) => {
    counts.submits++;
    submit.call(device.queue, buffers);
  };
  device.createBindGroup = (descriptor) => {
    counts.bindGroups++;
    return createBindGroup.call(device, descriptor);
  };
  try {
    await model.forward({ ids: [1, 2, 3, 4] }, { logits: 'none' });
    const perStep: { submits: number; bindGroups: number }[] = [];
    let next = 5;
    for (let step = 0; step < 4; step++) {
      const before = { ...counts };
      const { nextId } = await model.forward({ ids: [next] }, { sample: { temperature: 0.8, topK: 10, topP: 0.9, uniform: 0.5 } });
      next = nextId!;
      perStep.push({ submits: counts.submits - before.submits, bindGroups: counts.bindGroups - before.bindGroups });
    }
    console.log(`decode steps: ${perStep.map(({ submits, bindGroups }) => `${submits} submit, ${bindGroups} new bind groups`).join('; ')}`);
    expect(perStep.every(({ submits }) => submits === 1)).toBe(true);
    expect(perStep.slice(2).every(({ bindGroups }) => bindGroups === 0)).toBe(true);
  } finally {
    device.queue.submit = submit;
    device.createBindGroup = createBindGroup;
    model.dispose();
  }
});
