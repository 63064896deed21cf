// The tokens the walkthrough marks as kept are exactly the ones the sampler can draw: for seeded logits and settings,
// sweeping the uniform number across [0, 1) through sampleHost (the GPU sampler's host twin) reaches every kept token
// and no other, and each is drawn with its kept share of the probability.
import { describe, expect, it } from 'vitest';
import { sampleHost } from '../../onnx/hostSampler';
import { seededUniform } from '../../common/random';
import { keptTokens } from './sampling';

describe('keptTokens', () => {
  const settings = [
    { temperature: 1, topK: 0, topP: 1 },
    { temperature: 0.7, topK: 5, topP: 1 },
    { temperature: 1.3, topK: 0, topP: 0.6 },
    { temperature: 0.5, topK: 12, topP: 0.9 },
  ];
  it.each(settings)('at %o keeps what sampleHost draws, with the kept shares', (setting) => {
    const random = seededUniform(7);
    const V = 64;
    const logits = Float32Array.from({ length: V }, () => (random() - 0.5) * 8);
    logits[10] = logits[11]; // a tie
    const kept = keptTokens(logits, setting);
    const keptIds = new Set(kept.ranked.filter((r) => r.kept).map((r) => r.id));
    expect(keptIds.size).toBe(kept.count);
    const steps = 20_000;
    const drawn = new Map<number, number>();
    for (let i = 0; i < steps; i++) {
      const id = sampleHost(logits, { ...setting, uniform: (i + 0.5) / steps });
      drawn.set(id, (drawn.get(id) ?? 0) + 1);
    }
    expect(new Set(drawn.keys())).toEqual(keptIds);
    for (const row of kept.ranked.filter((r) => r.kept)) {
      expect(drawn.get(row.id)! / steps).toBeCloseTo(row.probability / kept.mass, 3);
    }
    if (setting.topK > 0) expect(kept.count).toBeLessThanOrEqual(setting.topK + 1);
    console.log(`[sampling] ${JSON.stringify(setting)}: ${kept.count} of ${V} kept, mass ${kept.mass.toFixed(4)}`);
  });
});
