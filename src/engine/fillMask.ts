// Fill-mask with an encoder's MLM head: the top predictions, with probabilities, at every mask token.

import { softmaxRow, topK } from '../common/softmax';

export interface MaskPrediction {
  id: number;
  probability: number;
}

export interface MaskPredictions {
  position: number; // index of the [MASK] in the input ids
  predictions: MaskPrediction[];
}

/** The MLM logits at some positions of a sequence, (positions, V): from our engine or from a peer. */
export type MlmLogitsAt = (ids: readonly number[], positions: readonly number[]) => Promise<Float32Array>;

export async function fillMask(logitsAt: MlmLogitsAt, V: number, ids: readonly number[], maskId: number, k = 5, maskToken = '[MASK]'): Promise<MaskPredictions[]> {
  const positions = ids.flatMap((id, position) => (id === maskId ? [position] : []));
  if (positions.length === 0) throw new Error(`The text has no ${maskToken} token: write ${maskToken} where a word should be predicted.`);
  const logits = await logitsAt(ids, positions);
  return positions.map((position, row) => {
    const probabilities = softmaxRow(logits.subarray(row * V, (row + 1) * V));
    return { position, predictions: topK(probabilities, k).map(({ index, value }) => ({ id: index, probability: value })) };
  });
}
