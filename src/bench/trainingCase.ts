// A training row: one optimizer step of a model at the embedded models' shapes (synthetic weights) by our WGSL
// training graph: forward, loss, backward, gradient norm and AdamW, recorded and submitted once (src/train Trainer).
// BERT fine-tunes for sequence classification (pooler + a fresh 2-class head), GPT-2 for causal language modelling.
// onnxruntime-web 1.30 has no training API, so the ORT columns say so instead of a time.

import { nextTokenTargets } from '../models/decoder/train';
import { familyOf } from '../models/registry';
import { syntheticBertTensors, syntheticGpt2Tensors } from '../models/synthetic';
import { Trainer } from '../train/trainer';
import { SafetensorsFile } from '../weights/safetensors';
import { writeSafetensors } from '../weights/safetensors-writer';
import type { BenchCase, BenchContext } from './benchCase';
import { layerFlops, syntheticCheckpoint } from './modelCases';
import type { TrainingShape } from './shapes';

export const NO_ORT_TRAINING = 'n/a — onnxruntime-web has no training API';

export async function trainingCase(context: BenchContext, shape: TrainingShape): Promise<BenchCase> {
  const { gpu } = context;
  const { B, T, task } = shape;
  const { config } = syntheticCheckpoint(shape.config);
  const tensors = config.family === 'bert' ? syntheticBertTensors(config) : syntheticGpt2Tensors(config);
  const source = SafetensorsFile.parse(writeSafetensors(tensors));
  const { C, L, V } = config.dims;
  const graph = familyOf(config).trainGraph(gpu, config, source, { task, maxB: B, maxT: T, numLabels: 2 });
  // A small constant learning rate: the weights move every step, the work per step stays the same.
  const trainer = new Trainer(gpu, graph, { schedule: { peakLr: 1e-4, warmupSteps: 0, totalSteps: 1, decay: 'constant' } });
  const ids = Array.from({ length: B * T }, (_, i) => (i * 7919 + 13) % V);
  const targets = task === 'causal-lm' ? nextTokenTargets(ids, B, T) : Array.from({ length: B }, (_, b) => b % 2);
  const batch = { ids, targets, B, T };
  // Forward (causal LM: every position's logits) and a backward of about twice its work.
  const head = task === 'causal-lm' ? 2 * T * C * V : 2 * C * C;
  const forwardFlops = B * (L * layerFlops(T, T, config.dims) + head);
  return {
    group: 'training',
    name: `${shape.label} training step B=${B} T=${T} (${task})`,
    flops: 3 * forwardFlops,
    perRun: 1,
    tokensPerRun: B * T,
    note: 'forward, loss, backward, gradient norm and AdamW in one submit (src/train Trainer), ms per step',
    ours: async () => Float32Array.of((await trainer.step([batch])).loss),
    ort: {},
    ortUnavailable: NO_ORT_TRAINING,
    dispose: async () => {
      trainer.dispose();
      graph.dispose();
    },
  };
}
