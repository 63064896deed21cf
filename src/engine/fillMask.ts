// Fill-mask with BERT's MLM head: the top predictions, with probabilities, at every [MASK].

import type { Bert } from '../models/bert/bert';
import { softmaxRow, topK } from '../models/softmax';

export interface MaskPrediction {
  id: number;
  probability: number;
}

export interface MaskPredictions {
  position: number; // index of the [MASK] in the input ids
  predictions: MaskPrediction[];
}

export async function fillMask<Buf>(bert: Bert<Buf>, ids: readonly number[], maskId: number, k = 5): Promise<MaskPredictions[]> {
  const positions = ids.flatMap((id, position) => (id === maskId ? [position] : []));
  if (positions.length === 0) throw new Error('The text has no [MASK] token: write [MASK] where a word should be predicted.');
  const { mlmLogits } = await bert.forward({ ids }, { mlmLogits: true, mlmPositions: positions });
  const V = bert.config.vocabSize;
  return positions.map((position, row) => {
    const probabilities = softmaxRow(mlmLogits!.subarray(row * V, (row + 1) * V));
    return { position, predictions: topK(probabilities, k).map(({ index, value }) => ({ id: index, probability: value })) };
  });
}
