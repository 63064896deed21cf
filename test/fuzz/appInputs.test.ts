import { describe, expect, it } from 'vitest';
import { APP_INPUT_CATEGORIES } from './appInputs';
import { formatReports, runCategory, type CategoryReport } from './harness';

// In `npm test`: 10,000 inputs over config.json, labelled datasets and attention JSON from a fixed seed (a few
// seconds). Longer runs and other seeds go through the same script as the checkpoint categories:
//   node scripts/fuzz.mjs --inputs 500000 --seed 7      (FUZZ_INPUTS, FUZZ_SEED)
const TOTAL = Number(process.env.FUZZ_INPUTS ?? 10_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const TIME_LIMIT_MS = 2000;

describe('fuzz, app inputs: every input ends in success or a sentence naming the file or field, within 2 s', () => {
  const reports: CategoryReport[] = [];

  it.each(APP_INPUT_CATEGORIES.map(({ category, share }) => [category.name, category, share] as const))(
    '%s',
    (_, category, share) => {
      const report = runCategory(category, { seed: SEED, inputs: Math.round(TOTAL * share), timeLimitMs: TIME_LIMIT_MS });
      reports.push(report);
      console.log(formatReports([report], SEED));
      expect(report.failures).toEqual([]);
      expect(report.inputs).toBe(Math.round(TOTAL * share));
      // Both outcomes happen, and the refusals come from many different checks.
      expect(report.accepted).toBeGreaterThan(0);
      expect(report.distinctMessages).toBeGreaterThan(20);
    },
    600_000,
  );

  it('covers at least 10,000 inputs per run', () => {
    console.log(formatReports(reports, SEED));
    expect(reports.reduce((sum, report) => sum + report.inputs, 0)).toBeGreaterThanOrEqual(Math.min(TOTAL, 10_000));
  });
});
