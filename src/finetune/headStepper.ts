// A TrainingStepper that trains only the classification head (logistic regression on the pooler output) while the
// encoder stays frozen: the "train the head only" mode, quick even for large models because each example's
// features are computed once. Cross-entropy gradients and AdamW on the host; the encoder runs on the engine's backend.

import type { Bert } from '../models/bert/bert';
import { pooledOutput } from '../models/bert/pooling';
import { bertWeightsToTensors, type BertClassifierWeights, type BertPoolerWeights, type BertWeights } from '../weights/bert-weights';
import type { HostTensor } from '../weights/host-tensor';
import type { ClassificationBatch, TrainingBatch } from './batches';
import type { TrainerState } from './checkpoint';
import type { TrainingStepper } from './session';

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

interface Parameter {
  name: string;
  value: Float32Array;
  m: Float32Array; // AdamW first moment
  v: Float32Array; // AdamW second moment
  decay: boolean; // weight decay applies to weights, not biases (as Hugging Face's Trainer groups them)
}

export class HeadStepper<Buf> implements TrainingStepper {
  private readonly features = new Map<string, Float32Array>();
  private readonly params: Parameter[];
  private steps = 0;

  constructor(
    private readonly encoder: Bert<Buf>,
    private readonly weights: BertWeights,
    private readonly pooler: BertPoolerWeights,
    classifier: BertClassifierWeights,
    private readonly weightDecay: number,
  ) {
    const parameter = (tensor: HostTensor, decay: boolean): Parameter => ({
      name: tensor.name,
      value: tensor.data.slice(),
      m: new Float32Array(tensor.data.length),
      v: new Float32Array(tensor.data.length),
      decay,
    });
    this.params = [parameter(classifier.weight, true), parameter(classifier.bias, false)];
  }

  private get numLabels(): number {
    return this.params[1].value.length;
  }

  async step(batch: TrainingBatch, learningRate: number): Promise<{ loss: number }> {
    const rows = await this.forward(expectClassification(batch));
    const [weight, bias] = this.params;
    const K = this.numLabels;
    const C = weight.value.length / K;
    const gradW = new Float32Array(weight.value.length);
    const gradB = new Float32Array(K);
    let loss = 0;
    for (const { x, probabilities, label } of rows) {
      loss -= Math.log(probabilities[label]);
      for (let k = 0; k < K; k++) {
        const delta = (probabilities[k] - (k === label ? 1 : 0)) / rows.length; // d loss / d logit
        gradB[k] += delta;
        for (let c = 0; c < C; c++) gradW[k * C + c] += delta * x[c];
      }
    }
    this.steps++;
    this.adamW(weight, gradW, learningRate);
    this.adamW(bias, gradB, learningRate);
    return { loss: loss / rows.length };
  }

  async evaluate(batch: TrainingBatch): Promise<{ loss: number; logits: Float32Array }> {
    const rows = await this.forward(expectClassification(batch));
    const logits = new Float32Array(rows.length * this.numLabels);
    rows.forEach((row, b) => logits.set(row.logits, b * this.numLabels));
    const loss = rows.reduce((sum, row) => sum - Math.log(row.probabilities[row.label]), 0) / rows.length;
    return { loss, logits };
  }

  async saveState(): Promise<TrainerState> {
    const tensors: Record<string, Float32Array> = {};
    for (const p of this.params) {
      tensors[p.name] = p.value.slice();
      tensors[`${p.name}.adam_m`] = p.m.slice();
      tensors[`${p.name}.adam_v`] = p.v.slice();
    }
    return { step: this.steps, tensors };
  }

  async loadState(state: TrainerState): Promise<void> {
    for (const p of this.params) {
      for (const [target, key] of [[p.value, p.name], [p.m, `${p.name}.adam_m`], [p.v, `${p.name}.adam_v`]] as const) {
        const saved = state.tensors[key];
        if (saved?.length !== target.length) throw new Error(`The checkpoint does not fit this head: ${key} is missing or misshapen.`);
        target.set(saved);
      }
    }
    this.steps = state.step;
  }

  async exportTensors(): Promise<HostTensor[]> {
    const [weight, bias] = this.params;
    const K = this.numLabels;
    const classifier = {
      weight: { name: weight.name, shape: [K, weight.value.length / K], data: weight.value.slice() },
      bias: { name: bias.name, shape: [K], data: bias.value.slice() },
    };
    return bertWeightsToTensors({ ...this.weights, mlmHead: undefined, pooler: this.pooler, classifier });
  }

  dispose() {
    this.encoder.dispose();
  }

  private adamW(p: Parameter, grad: Float32Array, learningRate: number) {
    const correction1 = 1 - BETA1 ** this.steps;
    const correction2 = 1 - BETA2 ** this.steps;
    for (let i = 0; i < grad.length; i++) {
      p.m[i] = BETA1 * p.m[i] + (1 - BETA1) * grad[i];
      p.v[i] = BETA2 * p.v[i] + (1 - BETA2) * grad[i] * grad[i];
      if (p.decay) p.value[i] -= learningRate * this.weightDecay * p.value[i];
      p.value[i] -= (learningRate * (p.m[i] / correction1)) / (Math.sqrt(p.v[i] / correction2) + EPSILON);
    }
  }

  /** Each row's pooled features, logits and softmax. */
  private async forward(batch: ClassificationBatch) {
    const [weight, bias] = this.params;
    const K = this.numLabels;
    const C = weight.value.length / K;
    const rows = [];
    for (let b = 0; b < batch.B; b++) {
      const x = await this.pooled(batch, b);
      const logits = new Float32Array(K);
      for (let k = 0; k < K; k++) {
        let sum = bias.value[k];
        for (let c = 0; c < C; c++) sum += weight.value[k * C + c] * x[c];
        logits[k] = sum;
      }
      const max = Math.max(...logits);
      const exp = logits.map((z) => Math.exp(z - max));
      const total = exp.reduce((a, e) => a + e, 0);
      rows.push({ x, logits, probabilities: exp.map((e) => e / total), label: batch.labels[b] });
    }
    return rows;
  }

  /** tanh(pooler(h[CLS])) of row b, computed once per distinct input. */
  private async pooled(batch: ClassificationBatch, b: number): Promise<Float32Array> {
    const { T } = batch;
    let length = 0;
    while (length < T && batch.attentionMask[b * T + length]) length++;
    const ids = Array.from(batch.ids.subarray(b * T, b * T + length));
    const tokenTypeIds = Array.from(batch.typeIds.subarray(b * T, b * T + length));
    const key = `${ids.join(',')}|${tokenTypeIds.join(',')}`;
    const cached = this.features.get(key);
    if (cached) return cached;
    const { hidden } = await this.encoder.forward({ ids, tokenTypeIds });
    const x = pooledOutput({ ...this.weights, pooler: this.pooler }, hidden);
    this.features.set(key, x);
    return x;
  }
}

function expectClassification(batch: TrainingBatch): ClassificationBatch {
  if (batch.task !== 'classification') throw new Error('Training the head only is for classification; causal LM trains every parameter.');
  return batch;
}
