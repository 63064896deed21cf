// The two tasks' data as the loop sees it: a seeded split, training batches built on demand from indices, and
// validation batches built once in a fixed order.

import type { TextTokenizer } from '../../tokenizers/tokenizer';
import { causalLmBatch, classificationBatch, encodeExample, textBlocks } from '../batches';
import type { TrainingData } from '../session';
import { splitTrainValidation, type Example } from './examples';

interface Split {
  validationFraction: number;
  seed: number;
  batchSize: number;
  maxLength: number;
}

export function classificationData(examples: readonly Example[], numLabels: number, tokenizer: TextTokenizer, padId: number, split: Split): TrainingData & { train: Example[]; validation: Example[] } {
  if (numLabels < 2) throw new Error(`Classification needs at least two labels; the data has ${numLabels}.`);
  const { train, validation } = splitTrainValidation(examples, split.validationFraction, split.seed);
  if (train.length === 0) throw new Error('There are no training examples: add data.');
  const encode = (example: Example) => encodeExample(tokenizer, example, split.maxLength);
  const encodedTrain = train.map(encode);
  const encodedValidation = validation.map(encode);
  return {
    task: 'classification',
    train,
    validation,
    trainSize: train.length,
    numLabels,
    trainBatch: (indices, seed) => classificationBatch(indices.map((i) => encodedTrain[i]), padId, seed),
    validationBatches: chunks(encodedValidation, split.batchSize).map((rows) => classificationBatch(rows, padId, 0)),
  };
}

export function causalLmData(text: string, tokenizer: TextTokenizer, padId: number, split: Split): TrainingData {
  const ids = tokenizer.encode(text, { addSpecialTokens: false }).ids;
  const blocks = textBlocks(ids, split.maxLength);
  if (blocks.length < 2) {
    throw new Error(`The text has ${ids.length} tokens: at least two blocks of ${split.maxLength} are needed, one to hold out. Add text or lower the max length.`);
  }
  const { train, validation } = splitTrainValidation(blocks, split.validationFraction, split.seed);
  return {
    task: 'causal-lm',
    trainSize: train.length,
    numLabels: 0,
    trainBatch: (indices, seed) => causalLmBatch(indices.map((i) => train[i]), padId, seed),
    validationBatches: chunks(validation, split.batchSize).map((blocks) => causalLmBatch(blocks, padId, 0)),
  };
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
