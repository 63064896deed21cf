import { describe, expect, it } from 'vitest';
import { learningRate, type LrSchedule } from './schedule';

const base: LrSchedule = { peakLr: 1e-3, warmupSteps: 4, totalSteps: 14, decay: 'linear' };

describe('learning-rate schedule', () => {
  it('warms up linearly from peak/warmup to peak', () => {
    expect([0, 1, 2, 3].map((step) => learningRate(base, step))).toEqual([2.5e-4, 5e-4, 7.5e-4, 1e-3]);
  });

  it('decays linearly to the floor at totalSteps and stays there', () => {
    expect(learningRate(base, 4)).toBeCloseTo(1e-3, 15);
    expect(learningRate(base, 9)).toBeCloseTo(5e-4, 15);
    expect(learningRate(base, 14)).toBe(0);
    expect(learningRate({ ...base, minLrRatio: 0.1 }, 20)).toBeCloseTo(1e-4, 15);
  });

  it('decays along a half cosine', () => {
    const cosine = { ...base, decay: 'cosine' as const };
    expect(learningRate(cosine, 4)).toBeCloseTo(1e-3, 15);
    expect(learningRate(cosine, 9)).toBeCloseTo(5e-4, 15);
    expect(learningRate(cosine, 6.5)).toBeCloseTo(1e-3 * 0.5 * (1 + Math.cos(Math.PI / 4)), 15);
    expect(learningRate(cosine, 14)).toBeCloseTo(0, 15);
  });

  it('holds the peak when constant, and needs no warm-up', () => {
    const constant = { ...base, decay: 'constant' as const, warmupSteps: 0 };
    expect([0, 7, 100].map((step) => learningRate(constant, step))).toEqual([1e-3, 1e-3, 1e-3]);
  });
});
