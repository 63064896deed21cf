// Our engine and onnxruntime-web on the same input: the largest differences of logits and attention probabilities,
// and the median wall time of each after a warm-up run (pipelines compiled, session created).

import type { OrtPeer } from './ortPeer';
import type { OrtProvider } from './ortSession';
import { maxAbsDiff } from '../common/numeric';

export interface OursForward {
  logits: Float32Array; // (T, V)
  attentions: Float32Array[]; // (L) x (H, T, T)
}

export interface CompareResult {
  maxAbsDiffLogits: number;
  maxAbsDiffAttention?: number;
  oursMs: number;
  ortMs: number;
  provider: OrtProvider;
}

export interface CompareOptions {
  provider: OrtProvider;
  tokenTypeIds?: readonly number[];
  /** Timed runs of each after the warm-up; the median is reported. */
  runs?: number;
}

export async function compareForwards(peer: OrtPeer, ours: () => Promise<OursForward>, ids: readonly number[], options: CompareOptions): Promise<CompareResult> {
  const { provider, tokenTypeIds, runs = 3 } = options;
  const theirs = () => peer.forward(ids, { provider, tokenTypeIds, attentions: true });
  const mine = await ours();
  const reference = await theirs();
  const oursMs: number[] = [];
  const ortMs: number[] = [];
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    await ours();
    oursMs.push(performance.now() - started);
    ortMs.push((await theirs()).ms);
  }
  const attention = mine.attentions.length > 0 && reference.attentions.length === mine.attentions.length
    ? Math.max(...mine.attentions.map((probs, l) => maxAbsDiff(probs, reference.attentions[l])))
    : undefined;
  return { maxAbsDiffLogits: maxAbsDiff(mine.logits, reference.logits), maxAbsDiffAttention: attention, oursMs: median(oursMs), ortMs: median(ortMs), provider };
}


export function median(values: readonly number[]): number {
  const sorted = [...values].sort((x, y) => x - y);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
