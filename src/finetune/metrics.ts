// What a run reports: per-epoch rows like the Hugging Face tutorial's table, accuracy and a confusion matrix for
// classification, perplexity for causal language modelling.

export interface EpochMetrics {
  epoch: number; // 1-based
  step: number; // optimizer steps so far
  trainingLoss: number; // mean over the epoch's steps
  validationLoss: number;
  accuracy?: number; // classification
  perplexity?: number; // causal LM: exp(validation loss)
  confusion?: number[][]; // classification: [true label][predicted label] counts
}

/** The predicted label of each row of logits, (B, K). */
export function argmaxRows(logits: Float32Array, K: number): number[] {
  const B = logits.length / K;
  return Array.from({ length: B }, (_, b) => {
    let best = 0;
    for (let k = 1; k < K; k++) if (logits[b * K + k] > logits[b * K + best]) best = k;
    return best;
  });
}

export function confusionMatrix(truth: readonly number[], predicted: readonly number[], K: number): number[][] {
  const matrix = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  truth.forEach((label, i) => matrix[label][predicted[i]]++);
  return matrix;
}

export function accuracyOf(confusion: number[][]): number {
  const total = confusion.flat().reduce((a, b) => a + b, 0);
  const correct = confusion.reduce((sum, row, k) => sum + row[k], 0);
  return total === 0 ? 0 : correct / total;
}

