// The training row: one optimizer step of a small GPT-2 (synthetic weights of the benchmark's model size) by our
// WGSL training graph: forward, cross-entropy, backward, gradient norm and AdamW, recorded and submitted once
// (src/train Trainer). onnxruntime-web 1.30 has no training API, so the ORT columns say so instead of a time.

import { nextTokenTargets } from '../models/decoder/train';
import { familyOf } from '../models/registry';
import { syntheticGpt2Config, syntheticGpt2Tensors } from '../models/synthetic';
import { Trainer } from '../train/trainer';
import { SafetensorsFile } from '../weights/safetensors';
import { writeSafetensors } from '../weights/safetensors-writer';
import type { BenchCase, BenchContext } from './benchCase';
import { layerFlops } from './modelCases';
import type { TrainingShape } from './shapes';

export const NO_ORT_TRAINING = 'n/a — onnxruntime-web has no training API';

export async function trainingCase(context: BenchContext, shape: TrainingShape): Promise<BenchCase> {
  const { gpu } = context;
  const config = syntheticGpt2Config(shape.gpt2);
  const source = SafetensorsFile.parse(writeSafetensors(syntheticGpt2Tensors(config)));
  const { C, F, L, V } = config.dims;
  const { B, T } = shape;
  const graph = familyOf(config).trainGraph(gpu, config, source, { task: 'causal-lm', maxB: B, maxT: T });
  // A small constant learning rate: the weights move every step, the work per step stays the same.
  const trainer = new Trainer(gpu, graph, { schedule: { peakLr: 1e-4, warmupSteps: 0, totalSteps: 1, decay: 'constant' } });
  const ids = Array.from({ length: B * T }, (_, i) => (i * 7919 + 13) % V);
  const batch = { ids, targets: nextTokenTargets(ids, B, T), B, T };
  // Forward (as the prefill row, every position's logits) and a backward of about twice its work.
  const forwardFlops = B * (L * layerFlops(T, T, C, F) + 2 * T * C * V);
  return {
    group: 'training',
    name: `GPT-2 training step B=${B} T=${T} (L=${L} C=${C})`,
    flops: 3 * forwardFlops,
    perRun: 1,
    tokensPerRun: B * T,
    note: 'forward, cross-entropy, backward, gradient norm and AdamW in one submit (src/train Trainer), ms per step',
    ours: async () => Float32Array.of((await trainer.step([batch])).loss),
    ort: {},
    ortUnavailable: NO_ORT_TRAINING,
    dispose: async () => {
      trainer.dispose();
      graph.dispose();
    },
  };
}
