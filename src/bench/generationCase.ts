// CPU-mode generation: the model exported with its KV cache, run token by token in onnxruntime-web's wasm backend,
// each next token sampled on the host with the project's sampler (src/onnx/ortGeneration.ts), against the plainest
// ORT wasm decode loop on the same session (greedy, an argmax and nothing else). The ratio says what the generation
// loop adds to ORT's own work; our WGSL takes no part in this row.

import { familyOf } from '../models/registry';
import { exportOnnx } from '../onnx/exportOnnx';
import { OrtGeneration } from '../onnx/ortGeneration';
import { SafetensorsFile } from '../weights/safetensors';
import type { BenchCase, BenchContext } from './benchCase';
import { syntheticCheckpoint } from './modelCases';
import type { BenchShapes } from './shapes';

export async function generationCase(context: BenchContext, shape: BenchShapes['generation']): Promise<BenchCase> {
  const { config, bytes } = syntheticCheckpoint(shape.config);
  const loaded = { family: familyOf(config), config, source: SafetensorsFile.parse(bytes) };
  const { L, Hkv, D, P, V } = config.dims;
  const graph = exportOnnx(loaded, { attentions: false, pastKeyValues: true });
  const generation = await OrtGeneration.create(context.ort, graph, { layers: L, kvHeads: Hkv, headSize: D, contextLimit: P });
  const prompt = Array.from({ length: shape.prompt }, (_, i) => (i * 7919 + 5) % V);
  const sampled = { temperature: 0.8, topK: 40, topP: 0.95, seed: 1, maxNewTokens: shape.steps };
  // Both return one value per run for the agreement check: the count of tokens made (the texts differ by design).
  const count = (ids: number[]) => Float32Array.of(ids.length);
  return {
    group: 'generation',
    name: `${shape.label} CPU-mode generation, ${shape.steps} tokens after ${shape.prompt} (ms/token)`,
    flops: 0,
    perRun: shape.steps,
    tokensPerRun: shape.steps,
    note: 'ours = ORT wasm + host sampling (t 0.8, top-k 40, top-p 0.95, seed 1); ORT wasm = the same session in a plain greedy loop',
    ours: async () => count((await generation.generate(prompt, sampled)).ids),
    ort: { wasm: async () => count(await generation.greedyLoop(prompt, shape.steps)) },
    dispose: () => generation.release(),
  };
}
