// Examples -> padded token batches, built the same way every time from the same indices: tokenized with the
// model's tokenizer, truncated to maxLength, padded to the batch's longest row with an attention mask.

import type { TextTokenizer } from '../tokenizers/tokenizer';
import type { Example } from './data/examples';

export interface ClassificationBatch {
  task: 'classification';
  B: number; // rows
  T: number; // the longest row, every row padded to it
  ids: Int32Array; // (B, T)
  typeIds: Int32Array; // (B, T) 0 for the first text, 1 for the pair
  attentionMask: Uint8Array; // (B, T) 1 = token, 0 = padding
  labels: Int32Array; // (B)
  /** Drawn from the run's RNG for this step: the trainer's dropout seed, so a resumed run repeats it. */
  seed: number;
}

export interface CausalLmBatch {
  task: 'causal-lm';
  B: number;
  T: number;
  ids: Int32Array; // (B, T); the targets are the ids shifted left by one, within each row
  attentionMask: Uint8Array; // (B, T)
  seed: number;
}

export type TrainingBatch = ClassificationBatch | CausalLmBatch;

export interface EncodedExample {
  ids: number[];
  typeIds: number[];
  label: number;
}

export function encodeExample(tokenizer: TextTokenizer, example: Pick<Example, 'text' | 'pair'> & { label?: number }, maxLength: number): EncodedExample {
  const encoding =
    example.pair === undefined ? { ...tokenizer.encode(example.text), typeIds: undefined } : tokenizer.encodePair(example.text, example.pair);
  const typeIds = encoding.typeIds ?? encoding.ids.map(() => 0);
  const { ids } = encoding;
  if (ids.length <= maxLength) return { ids, typeIds, label: example.label ?? 0 };
  // Keep the closing special token ([SEP]) so the model still sees a well-formed sequence.
  const keepLast = encoding.special[ids.length - 1] ? 1 : 0;
  const head = maxLength - keepLast;
  return {
    ids: [...ids.slice(0, head), ...ids.slice(ids.length - keepLast)],
    typeIds: [...typeIds.slice(0, head), ...typeIds.slice(typeIds.length - keepLast)],
    label: example.label ?? 0,
  };
}

export function classificationBatch(rows: readonly EncodedExample[], padId: number, seed: number): ClassificationBatch {
  const B = rows.length;
  const T = Math.max(1, ...rows.map((row) => row.ids.length));
  const ids = new Int32Array(B * T).fill(padId);
  const typeIds = new Int32Array(B * T);
  const attentionMask = new Uint8Array(B * T);
  rows.forEach((row, b) => {
    ids.set(row.ids, b * T);
    typeIds.set(row.typeIds, b * T);
    attentionMask.fill(1, b * T, b * T + row.ids.length);
  });
  return { task: 'classification', B, T, ids, typeIds, attentionMask, labels: Int32Array.from(rows, (row) => row.label), seed };
}

/** A long text's ids cut into blocks of `blockLength` (the remainder dropped, as Hugging Face's run_clm does). */
export function textBlocks(ids: readonly number[], blockLength: number): number[][] {
  if (ids.length < 2) throw new Error('The text is too short to learn from: it needs at least two tokens.');
  if (ids.length <= blockLength) return [ids.slice()];
  const blocks: number[][] = [];
  for (let start = 0; start + blockLength <= ids.length; start += blockLength) blocks.push(ids.slice(start, start + blockLength));
  return blocks;
}

export function causalLmBatch(blocks: readonly number[][], padId: number, seed: number): CausalLmBatch {
  const B = blocks.length;
  const T = Math.max(...blocks.map((block) => block.length));
  const ids = new Int32Array(B * T).fill(padId);
  const attentionMask = new Uint8Array(B * T);
  blocks.forEach((block, b) => {
    ids.set(block, b * T);
    attentionMask.fill(1, b * T, b * T + block.length);
  });
  return { task: 'causal-lm', B, T, ids, attentionMask, seed };
}

/** Tokens the step learns from: real tokens (classification) or predicted next tokens (causal LM). */
export function tokensIn(batch: TrainingBatch): number {
  let tokens = 0;
  for (let b = 0; b < batch.B; b++) {
    let row = 0;
    for (let t = 0; t < batch.T; t++) row += batch.attentionMask[b * batch.T + t];
    tokens += batch.task === 'causal-lm' ? Math.max(row - 1, 0) : row;
  }
  return tokens;
}
