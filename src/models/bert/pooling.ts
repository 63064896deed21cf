// The small heads on top of BERT's last hidden states, on the host: they touch one row, (C), not the sequence.

import type { BertWeights } from '../../weights/bert-weights';
import type { HostTensor } from '../../weights/host-tensor';

/** y = W x + b for a torch Linear weight (N, K). */
function linear(weight: HostTensor, bias: HostTensor, x: Float32Array): Float32Array {
  const [N, K] = weight.shape;
  const y = new Float32Array(N);
  for (let n = 0; n < N; n++) {
    let sum = bias.data[n];
    for (let k = 0; k < K; k++) sum += weight.data[n * K + k] * x[k];
    y[n] = sum;
  }
  return y;
}

/** BertPooler: tanh(dense(h[CLS])). hidden is (T, C). */
export function pooledOutput(weights: BertWeights, hidden: Float32Array): Float32Array {
  if (!weights.pooler) throw new Error('This checkpoint has no pooler (bert.pooler.dense.*).');
  const C = weights.pooler.weight.shape[1];
  return linear(weights.pooler.weight, weights.pooler.bias, hidden.subarray(0, C)).map(Math.tanh);
}

/** The mean of the hidden states of real tokens (attention mask 1), (C). */
export function meanPooled(hidden: Float32Array, C: number, attentionMask?: readonly number[]): Float32Array {
  const T = hidden.length / C;
  const mean = new Float32Array(C);
  let count = 0;
  for (let t = 0; t < T; t++) {
    if (attentionMask && !attentionMask[t]) continue;
    count++;
    for (let c = 0; c < C; c++) mean[c] += hidden[t * C + c];
  }
  return mean.map((value) => value / Math.max(count, 1));
}

/** BertForSequenceClassification's logits: classifier(pooler(h)), (numLabels). */
export function classifierLogits(weights: BertWeights, hidden: Float32Array): Float32Array {
  if (!weights.classifier) throw new Error('This checkpoint has no classification head (classifier.*).');
  return linear(weights.classifier.weight, weights.classifier.bias, pooledOutput(weights, hidden));
}
