import { describe, expect, it } from 'vitest';
import { ALL_CATEGORIES } from './categories';
import { formatReports, runCategory, type CategoryReport } from './harness';

// In `npm test`: 12,000 inputs over the checkpoint categories from a fixed seed (a few seconds). Longer runs, other seeds:
//   node scripts/fuzz.mjs --inputs 500000 --seed 7
const TOTAL = Number(process.env.FUZZ_INPUTS ?? 12_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261201);
const TIME_LIMIT_MS = 2000;

describe('fuzz: every input ends in success or a named error, within 2 s, without internal texts', () => {
  const reports: CategoryReport[] = [];

  it.each(ALL_CATEGORIES.map(({ category, share }) => [category.name, category, share] as const))(
    '%s',
    (_, category, share) => {
      const report = runCategory(category, { seed: SEED, inputs: Math.round(TOTAL * share), timeLimitMs: TIME_LIMIT_MS });
      reports.push(report);
      console.log(formatReports([report], SEED));
      expect(report.failures.filter((f) => f.kind === 'slow')).toEqual([]);
      expect(report.failures).toEqual([]);
      expect(report.inputs).toBe(Math.round(TOTAL * share));
      // The mutations reach many different checks, not one refusal over and over.
      expect(report.distinctMessages).toBeGreaterThan(20);
    },
    600_000,
  );

  it('covers at least 10,000 inputs per run', () => {
    console.log(formatReports(reports, SEED));
    expect(reports.reduce((sum, report) => sum + report.inputs, 0)).toBeGreaterThanOrEqual(Math.min(TOTAL, 10_000));
  });
});
