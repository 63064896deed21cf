// Generation in ORT wasm with the KV-cache graph and host sampling picks, step by step, what sampling the whole
// sequence's logits (the graph without a cache) with the GPU sampler's reference picks, from the same seed.
import * as ort from 'onnxruntime-web';
import { expect, it } from 'vitest';
import { seededUniform } from '../common/random';
import { sampleRef, topKRef } from '../kernels/sampling/sampling.ref';
import { buildModel } from '../models/checkpoint';
import { createCpuBackend } from '../models/cpuBackend';
import { syntheticGpt2Config, syntheticGpt2Tensors } from '../models/synthetic';
import { SafetensorsFile } from '../weights/safetensors';
import { writeSafetensors } from '../weights/safetensors-writer';
import { exportOnnx } from './exportOnnx';
import { OrtGeneration } from './ortGeneration';
import { createOrtSession, runOrt } from './ortSession';

ort.env.wasm.numThreads = 1;

it('samples with the KV cache what the uncached graph and sampleRef sample, and stops at the context limit', async () => {
  const config = syntheticGpt2Config({ vocab_size: 60, n_embd: 16, n_layer: 2, n_head: 2, n_positions: 12 });
  const loaded = buildModel(createCpuBackend(), { config: config.raw, weights: SafetensorsFile.parse(writeSafetensors(syntheticGpt2Tensors(config))) });
  const { L, H, D, V, P } = config.dims;
  const generation = await OrtGeneration.create(ort, exportOnnx(loaded, { attentions: false, pastKeyValues: true }), { layers: L, kvHeads: H, headSize: D, contextLimit: P });
  const whole = await createOrtSession(ort, exportOnnx(loaded, { attentions: false }), 'wasm');
  const prompt = [3, 14, 15];
  const options = { temperature: 0.9, topK: 20, topP: 0.9, seed: 7 };

  const result = await generation.generate(prompt, { ...options, maxNewTokens: 6 });
  const uniform = seededUniform(options.seed);
  const expected: number[] = [];
  for (let step = 0; step < 6; step++) {
    const { logits } = await runOrt(ort, whole, [...prompt, ...expected], { attentions: false });
    expected.push(sampleRef({ logits: logits.subarray(logits.length - V), V, ...options, uniform: uniform() }));
  }
  // The next-token table of every step: topKRef (the GPU kernel's reference) on the uncached graph's logits.
  const tables: { ids: number[]; probs: number[] }[] = [];
  await generation.generate(prompt, { ...options, maxNewTokens: 6, topProbabilities: 5, onProbabilities: (step, top) => (tables[step] = top) });
  expect(tables).toHaveLength(6);
  let worst = 0;
  for (let step = 0; step < 6; step++) {
    const { logits } = await runOrt(ort, whole, [...prompt, ...expected.slice(0, step)], { attentions: false });
    const probs = new Float32Array(5);
    const ids = new Uint32Array(5);
    topKRef({ logits: logits.subarray(logits.length - V), V, k: 5, probs, ids });
    expect(tables[step].ids).toEqual([...ids]);
    tables[step].probs.forEach((p, i) => (worst = Math.max(worst, Math.abs(p - probs[i]))));
  }
  expect(worst).toBeLessThan(1e-5);
  console.log(`ORT generation: ${result.ids.join(' ')}; reference ${expected.join(' ')}; next-token tables: same ids, max prob diff ${worst.toExponential(2)}`);
  expect(result).toEqual({ ids: expected, stoppedBy: 'length', engine: 'onnxruntime-web wasm' });

  const greedy = await generation.greedyLoop(prompt, 4);
  const { ids } = await generation.generate(prompt, { temperature: 0, maxNewTokens: 4 });
  expect(ids).toEqual(greedy);

  const long = await generation.generate(prompt, { ...options, maxNewTokens: 50 });
  expect(long.stoppedBy).toBe('context');
  expect(prompt.length + long.ids.length).toBe(P + 1); // as engine/generate.ts: the last id comes from a full context
  await generation.release();
  await whole.release();
});
