// A TrainingStepper that trains only the classification head while the encoder stays frozen: the "train the head
// only" mode, quick even for large models because each example's first-token hidden state is computed once. The head
// is everything a *ForSequenceClassification puts after the encoder, out(act(dense(h[first]))): BERT's pooler (tanh)
// and classifier, DistilBERT's pre_classifier (ReLU) and classifier, RoBERTa's classifier.dense (tanh) and out_proj.
// The dense layer always trains with the classifier: a checkpoint without one (MLM-only exports such as
// playground-bert) starts from a fresh random layer that would otherwise stay a fixed random projection, and training
// it costs C² per example on the host. Cross-entropy gradients and AdamW on the host; the encoder runs on the engine's
// backend.

import { softmaxRow } from '../common/softmax';
import type { HostClassifierHead, LanguageModel } from '../models/family';
import type { HostTensor } from '../weights/host-tensor';
import type { ClassificationBatch, TrainingBatch } from './batches';
import type { TrainerState } from './checkpoint';
import type { TrainingStepper } from './session';

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

interface Parameter {
  name: string;
  shape: number[];
  value: Float32Array;
  m: Float32Array; // AdamW first moment
  v: Float32Array; // AdamW second moment
  decay: boolean; // weight decay applies to weights, not biases (as Hugging Face's Trainer groups them)
}

/** The head's parameters: its dense layer (C, C) and (C), the classifier (K, C) and (K). */
export interface HeadParameters<A extends ArrayLike<number>> {
  poolerWeight: A;
  poolerBias: A;
  classifierWeight: A;
  classifierBias: A;
}

export type HeadActivation = HostClassifierHead['activation'];

export interface HeadRow {
  cls: ArrayLike<number>; // (C) the encoder's [CLS] hidden state
  label: number;
}

/** logits = classifier(act(dense(cls))) for one row, with the hidden features; float64. */
export function headForward(p: HeadParameters<ArrayLike<number>>, cls: ArrayLike<number>, activation: HeadActivation = 'tanh'): { pooled: Float64Array; logits: Float64Array } {
  const C = cls.length;
  const K = p.classifierBias.length;
  const pooled = new Float64Array(C);
  for (let n = 0; n < C; n++) {
    let sum = p.poolerBias[n];
    for (let k = 0; k < C; k++) sum += p.poolerWeight[n * C + k] * cls[k];
    pooled[n] = activation === 'tanh' ? Math.tanh(sum) : Math.max(sum, 0);
  }
  const logits = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let sum = p.classifierBias[k];
    for (let c = 0; c < C; c++) sum += p.classifierWeight[k * C + c] * pooled[c];
    logits[k] = sum;
  }
  return { pooled, logits };
}

const softmax = (logits: Float64Array) => softmaxRow(logits, new Float64Array(logits.length));

/** The mean cross-entropy over `rows` and its gradient for every head parameter (float64). */
export function headLossAndGradients(p: HeadParameters<ArrayLike<number>>, rows: readonly HeadRow[], activation: HeadActivation = 'tanh'): { loss: number; grads: HeadParameters<Float64Array> } {
  const C = p.poolerBias.length;
  const K = p.classifierBias.length;
  const grads = {
    poolerWeight: new Float64Array(C * C), poolerBias: new Float64Array(C),
    classifierWeight: new Float64Array(K * C), classifierBias: new Float64Array(K),
  };
  let loss = 0;
  const dPooled = new Float64Array(C);
  for (const { cls, label } of rows) {
    const { pooled, logits } = headForward(p, cls, activation);
    const probabilities = softmax(logits);
    loss -= Math.log(probabilities[label]);
    dPooled.fill(0);
    for (let k = 0; k < K; k++) {
      const delta = (probabilities[k] - (k === label ? 1 : 0)) / rows.length; // ∂loss/∂logit
      grads.classifierBias[k] += delta;
      for (let c = 0; c < C; c++) {
        grads.classifierWeight[k * C + c] += delta * pooled[c];
        dPooled[c] += delta * p.classifierWeight[k * C + c];
      }
    }
    for (let n = 0; n < C; n++) {
      const dz = dPooled[n] * (activation === 'tanh' ? 1 - pooled[n] * pooled[n] : pooled[n] > 0 ? 1 : 0); // through the activation
      grads.poolerBias[n] += dz;
      for (let k = 0; k < C; k++) grads.poolerWeight[n * C + k] += dz * cls[k];
    }
  }
  return { loss: loss / rows.length, grads };
}

export class HeadStepper<Buf> implements TrainingStepper {
  private readonly features = new Map<string, Float32Array>();
  private readonly params: Record<keyof HeadParameters<Float32Array>, Parameter>;
  private steps = 0;

  private readonly activation: HeadActivation;

  constructor(
    private readonly encoder: LanguageModel<Buf>,
    head: HostClassifierHead,
    /** The whole model under Hugging Face's names with this head in place (for export). */
    private readonly exportWith: (head: HostClassifierHead) => HostTensor[],
    private readonly weightDecay: number,
  ) {
    this.activation = head.activation;
    const parameter = (tensor: HostTensor, decay: boolean): Parameter => ({
      name: tensor.name,
      shape: tensor.shape,
      value: tensor.data.slice(),
      m: new Float32Array(tensor.data.length),
      v: new Float32Array(tensor.data.length),
      decay,
    });
    this.params = {
      poolerWeight: parameter(head.dense.weight, true),
      poolerBias: parameter(head.dense.bias, false),
      classifierWeight: parameter(head.out.weight, true),
      classifierBias: parameter(head.out.bias, false),
    };
  }

  private get values(): HeadParameters<Float32Array> {
    const p = this.params;
    return { poolerWeight: p.poolerWeight.value, poolerBias: p.poolerBias.value, classifierWeight: p.classifierWeight.value, classifierBias: p.classifierBias.value };
  }

  async step(batch: TrainingBatch, learningRate: number): Promise<{ loss: number }> {
    const rows = await this.rows(expectClassification(batch));
    const { loss, grads } = headLossAndGradients(this.values, rows, this.activation);
    this.steps++;
    for (const key of Object.keys(this.params) as (keyof HeadParameters<Float32Array>)[]) this.adamW(this.params[key], grads[key], learningRate);
    return { loss };
  }

  async evaluate(batch: TrainingBatch): Promise<{ loss: number; logits: Float32Array }> {
    const rows = await this.rows(expectClassification(batch));
    const K = this.params.classifierBias.value.length;
    const logits = new Float32Array(rows.length * K);
    let loss = 0;
    rows.forEach((row, b) => {
      const rowLogits = headForward(this.values, row.cls, this.activation).logits;
      logits.set(rowLogits, b * K);
      loss -= Math.log(softmax(rowLogits)[row.label]);
    });
    return { loss: loss / rows.length, logits };
  }

  async saveState(): Promise<TrainerState> {
    const tensors: Record<string, Float32Array> = {};
    for (const p of Object.values(this.params)) {
      tensors[p.name] = p.value.slice();
      tensors[`${p.name}.adam_m`] = p.m.slice();
      tensors[`${p.name}.adam_v`] = p.v.slice();
    }
    return { step: this.steps, tensors };
  }

  async loadState(state: TrainerState): Promise<void> {
    for (const p of Object.values(this.params)) {
      for (const [target, key] of [[p.value, p.name], [p.m, `${p.name}.adam_m`], [p.v, `${p.name}.adam_v`]] as const) {
        const saved = state.tensors[key];
        if (saved?.length !== target.length) throw new Error(`The checkpoint does not fit this head: ${key} is missing or misshapen.`);
        target.set(saved);
      }
    }
    this.steps = state.step;
  }

  async exportTensors(): Promise<HostTensor[]> {
    const tensor = (p: Parameter): HostTensor => ({ name: p.name, shape: p.shape, data: p.value.slice() });
    const { poolerWeight, poolerBias, classifierWeight, classifierBias } = this.params;
    return this.exportWith({
      dense: { weight: tensor(poolerWeight), bias: tensor(poolerBias) },
      activation: this.activation,
      out: { weight: tensor(classifierWeight), bias: tensor(classifierBias) },
    });
  }

  dispose() {
    this.encoder.dispose();
  }

  private adamW(p: Parameter, grad: Float64Array, learningRate: number) {
    const correction1 = 1 - BETA1 ** this.steps;
    const correction2 = 1 - BETA2 ** this.steps;
    for (let i = 0; i < grad.length; i++) {
      p.m[i] = BETA1 * p.m[i] + (1 - BETA1) * grad[i];
      p.v[i] = BETA2 * p.v[i] + (1 - BETA2) * grad[i] * grad[i];
      if (p.decay) p.value[i] -= learningRate * this.weightDecay * p.value[i];
      p.value[i] -= (learningRate * (p.m[i] / correction1)) / (Math.sqrt(p.v[i] / correction2) + EPSILON);
    }
  }

  private async rows(batch: ClassificationBatch): Promise<HeadRow[]> {
    const rows: HeadRow[] = [];
    for (let b = 0; b < batch.B; b++) rows.push({ cls: await this.cls(batch, b), label: batch.labels[b] });
    return rows;
  }

  /** The frozen encoder's [CLS] hidden state of row b, computed once per distinct input. */
  private async cls(batch: ClassificationBatch, b: number): Promise<Float32Array> {
    const { T } = batch;
    let length = 0;
    while (length < T && batch.attentionMask[b * T + length]) length++;
    const ids = Array.from(batch.ids.subarray(b * T, b * T + length));
    const types = this.encoder.config.dims.typeVocabSize > 1 ? Array.from(batch.typeIds.subarray(b * T, b * T + length)) : undefined;
    const key = `${ids.join(',')}|${types?.join(',') ?? ''}`;
    const cached = this.features.get(key);
    if (cached) return cached;
    const { hidden } = await this.encoder.forward({ ids, tokenTypeIds: types }, { hidden: true });
    const cls = hidden!.slice(0, this.params.poolerBias.value.length);
    this.features.set(key, cls);
    return cls;
  }
}

function expectClassification(batch: TrainingBatch): ClassificationBatch {
  if (batch.task !== 'classification') throw new Error('Training the head only is for classification; causal LM trains every parameter.');
  return batch;
}
