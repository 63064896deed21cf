// Interleaved timing: every run calls each contender once, in turn, so drift (thermal, other tabs, a busy CPU)
// falls on all of them alike. A few warm-up rounds first (pipelines compile, sessions allocate), then medians.

import { median } from '../onnx/compare';

export interface TimingOptions {
  warmup: number;
  runs: number;
}

export const DEFAULT_TIMING: TimingOptions = { warmup: 2, runs: 10 };

/** Median milliseconds of each contender (awaited one after another, never overlapping). */
export async function timeInterleaved<K extends string>(contenders: Record<K, () => Promise<unknown>>, options: TimingOptions): Promise<Record<K, number>> {
  const names = Object.keys(contenders) as K[];
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < options.warmup + options.runs; round++) {
    for (const name of names) {
      const started = performance.now();
      await contenders[name]();
      if (round >= options.warmup) samples[name].push(performance.now() - started);
    }
  }
  return Object.fromEntries(names.map((name) => [name, median(samples[name])])) as Record<K, number>;
}

/** Largest |ours - ORT| / max |ORT| accepted as the same output. */
export const AGREEMENT = 1e-3;

/** max |a - b| relative to max |b|, so large-magnitude outputs (random weights) compare fairly. */
export function relativeMaxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`Outputs differ in length: ${a.length} and ${b.length}.`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    diff = d > diff || Number.isNaN(d) ? (Number.isNaN(d) ? Infinity : d) : diff;
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / Math.max(scale, 1e-30);
}
