import { describe, expect, it } from 'vitest';
import { allHeadStats, matrixStats, sortHeads } from './stats';

describe('per-head statistics', () => {
  it('match a hand computation on a 2-token matrix', () => {
    // Row 0 = [1, 0]: entropy 0, distance 0. Row 1 = [.5, .5]: entropy ln 2, distance .5·1. Token 0 is special.
    const stats = matrixStats([1, 0, 0.5, 0.5], 2, [true, false]);
    expect(stats.entropy).toBeCloseTo(Math.log(2) / 2, 12);
    expect(stats.distance).toBeCloseTo(0.25, 12);
    expect(stats.specialShare).toBeCloseTo(0.75, 12);
    expect(stats.firstShare).toBeCloseTo(0.75, 12);
  });

  it('cover every head and sort by a statistic', () => {
    const uniform = [0.5, 0.5, 0.5, 0.5];
    const diagonal = [1, 0, 0, 1];
    const layers = [Float32Array.from([...uniform, ...diagonal]), Float32Array.from([...diagonal, ...uniform])];
    const stats = allHeadStats(layers, 2, 2, [false, false]);
    expect(stats.map((s) => [s.layer, s.head])).toEqual([[0, 0], [0, 1], [1, 0], [1, 1]]);
    const sorted = sortHeads(stats, 'entropy', 'descending');
    expect(sorted.map((s) => [s.layer, s.head])).toEqual([[0, 0], [1, 1], [0, 1], [1, 0]]);
    expect(sorted[0].entropy).toBeCloseTo(Math.log(2), 6);
    expect(sortHeads(stats, 'distance', 'ascending')[0].distance).toBe(0);
  });
});
