// Learning-rate schedules: linear warm-up, then constant, linear or cosine decay (llm.c's and nanoGPT's shape).

export interface LrSchedule {
  peakLr: number;
  warmupSteps: number;
  totalSteps: number;
  decay: 'constant' | 'linear' | 'cosine';
  /** Where the decay ends, as a fraction of peakLr (default 0). */
  minLrRatio?: number;
}

/**
 * The learning rate of update `step` (0 for the first): peakLr·(step + 1)/warmupSteps during warm-up, then a decay
 * from peakLr that reaches minLrRatio·peakLr at totalSteps and stays there.
 */
export function learningRate(schedule: LrSchedule, step: number): number {
  const { peakLr, warmupSteps, totalSteps, decay, minLrRatio = 0 } = schedule;
  if (step < warmupSteps) return (peakLr * (step + 1)) / warmupSteps;
  if (decay === 'constant') return peakLr;
  const minLr = peakLr * minLrRatio;
  const progress = Math.min(1, (step - warmupSteps) / Math.max(1, totalSteps - warmupSteps));
  const remaining = decay === 'linear' ? 1 - progress : 0.5 * (1 + Math.cos(Math.PI * progress));
  return minLr + (peakLr - minLr) * remaining;
}
