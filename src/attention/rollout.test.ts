import { describe, expect, it } from 'vitest';
import { rollout, rolloutOfLayers, withResidual } from './rollout';

// Worked by hand: Â = 0.5·A + 0.5·I (rows already sum to 1), R = Â1 · Â0.
//   A0 = [[1, 0, 0], [.5, .5, 0], [.2, .3, .5]]  ->  Â0 = [[1, 0, 0], [.25, .75, 0], [.1, .15, .75]]
//   A1 = [[1, 0, 0], [1, 0, 0], [0, 0, 1]]       ->  Â1 = [[1, 0, 0], [.5, .5, 0], [0, 0, 1]]
//   R row 1 = .5·[1, 0, 0] + .5·[.25, .75, 0] = [.625, .375, 0]; row 2 = Â0 row 2 (Â1 row 2 is e2).
const A0 = [1, 0, 0, 0.5, 0.5, 0, 0.2, 0.3, 0.5];
const A1 = [1, 0, 0, 1, 0, 0, 0, 0, 1];
const EXPECTED = [1, 0, 0, 0.625, 0.375, 0, 0.1, 0.15, 0.75];

describe('attention rollout', () => {
  it('adds the residual and renormalises rows', () => {
    // Row 0 sums to 0.4: [0.1 + 0.5, 0.1] / 0.7. Row 1 is all zero: only the identity remains.
    const hat = withResidual([0.2, 0.2, 0, 0], 2);
    expect([...hat].map((x) => +x.toFixed(12))).toEqual([+(6 / 7).toFixed(12), +(1 / 7).toFixed(12), 0, 1]);
  });

  it('multiplies the layers: a 2-layer, 3-token example computed by hand', () => {
    const result = rollout([A0, A1], 3);
    EXPECTED.forEach((value, i) => expect(result[i]).toBeCloseTo(value, 7));
    expect([...rollout([A0, A1], 3, 0)].map((x) => +x.toFixed(7))).toEqual([1, 0, 0, 0.25, 0.75, 0, 0.1, 0.15, 0.75]);
  });

  it('averages heads before rolling out', () => {
    // Two heads per layer whose mean is A0 (they differ in row 2), resp. A1.
    const head0 = [1, 0, 0, 0.5, 0.5, 0, 0.3, 0.2, 0.5];
    const head1 = [1, 0, 0, 0.5, 0.5, 0, 0.1, 0.4, 0.5];
    const layer0 = Float32Array.from([...head0, ...head1]);
    const layer1 = Float32Array.from([...A1, ...A1]);
    const result = rolloutOfLayers([layer0, layer1], 2, 3, 1);
    EXPECTED.forEach((value, i) => expect(result[i]).toBeCloseTo(value, 6));
  });
});
