// The new layers a classification run adds, initialised as Hugging Face's BertPreTrainedModel._init_weights does:
// weights ~ Normal(0, initializer_range), biases zero. Seeded, so a run's head is reproducible.

import type { BertClassifierWeights, BertPoolerWeights } from '../weights/bert-weights';
import type { HostTensor } from '../weights/host-tensor';
import { Rng } from './rng';

function normalTensor(name: string, shape: number[], std: number, rng: Rng): HostTensor {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < data.length; i++) data[i] = rng.normal() * std;
  return { name, shape, data };
}

const zeros = (name: string, n: number): HostTensor => ({ name, shape: [n], data: new Float32Array(n) });

export function freshClassifier(C: number, numLabels: number, std: number, rng: Rng): BertClassifierWeights {
  return { weight: normalTensor('classifier.weight', [numLabels, C], std, rng), bias: zeros('classifier.bias', numLabels) };
}

/** For checkpoints saved without a pooler (BertModel(add_pooling_layer=False), some MLM exports). */
export function freshPooler(C: number, std: number, rng: Rng): BertPoolerWeights {
  return { weight: normalTensor('bert.pooler.dense.weight', [C, C], std, rng), bias: zeros('bert.pooler.dense.bias', C) };
}
