// What a user can set before a run, with defaults from Hugging Face's fine-tuning tutorials, and the learning-rate
// schedule (linear warm-up then linear decay to zero, as get_linear_schedule_with_warmup).

export type Task = 'classification' | 'causal-lm';

/** 'full': every parameter learns (the GPU trainer); 'head': the encoder is frozen and only the classifier learns. */
export type TrainingMode = 'full' | 'head';

export interface Hyperparameters {
  learningRate: number;
  batchSize: number;
  epochs: number;
  maxLength: number; // tokens per example (classification) or per block (causal LM)
  warmupRatio: number; // fraction of all steps spent warming up
  weightDecay: number; // AdamW's decoupled decay
  validationFraction: number;
  seed: number;
  checkpointEvery: number; // steps between checkpoints (a closed tab loses at most this many)
  sampleEvery: number; // causal LM: steps between sample generations
}

/** Model width at or under which classification defaults to every parameter at SMALL_MODEL_CLASSIFICATION_LR. */
export const SMALL_MODEL_WIDTH = 256;
/**
 * The tutorials' 2e-5 suits BERT-base; a 2 x 128 model barely moves at it. On the embedded BERT (UCI Yelp, batch 16,
 * 2 epochs) held-out accuracy was 0.69 at 5e-4 and 0.73 at 2e-3; on an earlier, weaker checkpoint 1e-4 gave 0.59 and
 * 4e-3 diverged.
 */
const SMALL_MODEL_CLASSIFICATION_LR = 2e-3;

/**
 * The Fine-tune tab's starting mode: every parameter for causal LM and for a BERT of width <= SMALL_MODEL_WIDTH (quick
 * even on a software adapter, and better than a frozen encoder: 0.73 against 0.56-0.66 on UCI Yelp with the embedded
 * BERT); the classifier head alone for wider BERTs, whose full fine-tune wants a real GPU.
 */
export function defaultTrainingMode(task: Task, width?: number): TrainingMode {
  return task === 'causal-lm' || (width !== undefined && width <= SMALL_MODEL_WIDTH) ? 'full' : 'head';
}

function defaultLearningRate(task: Task, mode: TrainingMode, width?: number): number {
  if (mode === 'head') return 1e-3;
  if (task === 'causal-lm') return 5e-5;
  return width !== undefined && width <= SMALL_MODEL_WIDTH ? SMALL_MODEL_CLASSIFICATION_LR : 2e-5;
}

/** Defaults for a run; `width` (the model's hidden size) picks a learning rate that moves a small model. */
export function defaultHyperparameters(task: Task, mode: TrainingMode, width?: number): Hyperparameters {
  return {
    learningRate: defaultLearningRate(task, mode, width),
    batchSize: task === 'classification' ? 16 : 8,
    epochs: 3,
    maxLength: task === 'classification' ? 128 : 64,
    warmupRatio: 0.1,
    weightDecay: 0.01,
    validationFraction: 0.1,
    seed: 42,
    checkpointEvery: 20,
    sampleEvery: 50,
  };
}

export function checkHyperparameters(h: Hyperparameters, contextLimit: number): void {
  const problems: string[] = [];
  const positiveInteger = (name: keyof Hyperparameters) => {
    if (!Number.isInteger(h[name]) || h[name] < 1) problems.push(`${name} must be a whole number of at least 1 (got ${h[name]})`);
  };
  (['batchSize', 'epochs', 'maxLength', 'checkpointEvery', 'sampleEvery'] as const).forEach(positiveInteger);
  if (!(h.learningRate > 0 && h.learningRate < 1)) problems.push(`learningRate must be between 0 and 1 (got ${h.learningRate})`);
  if (!(h.warmupRatio >= 0 && h.warmupRatio < 1)) problems.push(`warmupRatio must be in [0, 1) (got ${h.warmupRatio})`);
  if (!(h.weightDecay >= 0)) problems.push(`weightDecay must not be negative (got ${h.weightDecay})`);
  if (!(h.validationFraction > 0 && h.validationFraction < 1)) problems.push(`validationFraction must be between 0 and 1 (got ${h.validationFraction})`);
  if (h.maxLength > contextLimit) problems.push(`maxLength ${h.maxLength} is past this model's limit of ${contextLimit} tokens`);
  if (problems.length > 0) throw new Error(`Check the settings: ${problems.join('; ')}.`);
}

/** The learning rate for optimizer step `step` (0-based) of `totalSteps`. */
export function learningRateAt(step: number, totalSteps: number, h: Pick<Hyperparameters, 'learningRate' | 'warmupRatio'>): number {
  const warmup = Math.ceil(totalSteps * h.warmupRatio);
  if (step < warmup) return (h.learningRate * (step + 1)) / warmup;
  return h.learningRate * Math.max(0, (totalSteps - step) / Math.max(1, totalSteps - warmup));
}
