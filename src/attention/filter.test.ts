import { describe, expect, it } from 'vitest';
import { nonSpecial, restrict, shownTokens } from './filter';
import { maxOverHeads, meanOverHeads } from './heads';

// T = 4: [CLS] a b [SEP]; rows sum to 1.
const M = [
  0.1, 0.2, 0.3, 0.4,
  0.4, 0.3, 0.2, 0.1,
  0.25, 0.25, 0.25, 0.25,
  0.7, 0.1, 0.1, 0.1,
];
const SPECIAL = [true, false, false, true];

describe('token filters', () => {
  it('hide special tokens and renormalise each row over the keys left', () => {
    const { rows, cols } = shownTokens({ hideSpecial: true, selected: [], pair: 'all' }, SPECIAL);
    expect(rows).toEqual([1, 2]);
    const shown = restrict(M, 4, rows, cols, false, nonSpecial(SPECIAL));
    // Row 1: [.3, .2] / .5; row 2: [.25, .25] / .5.
    expect([...shown.values].map((x) => +x.toFixed(6))).toEqual([0.6, 0.4, 0.5, 0.5]);
  });

  it('keep selected tokens without renormalising, and mark the causal mask', () => {
    const { rows, cols } = shownTokens({ hideSpecial: false, selected: [3, 0], pair: 'all' }, SPECIAL);
    expect(rows).toEqual([0, 3]);
    const shown = restrict(M, 4, rows, cols, true);
    expect([...shown.values].map((x) => +x.toFixed(6))).toEqual([0.1, 0.4, 0.7, 0.1]);
    expect([...shown.masked]).toEqual([0, 1, 0, 0]);
  });

  it('split a sentence pair into A -> B and B -> A', () => {
    const typeIds = [0, 0, 1, 1];
    expect(shownTokens({ hideSpecial: false, selected: [], pair: 'a-to-b' }, SPECIAL, typeIds)).toEqual({ rows: [0, 1], cols: [2, 3] });
    expect(shownTokens({ hideSpecial: true, selected: [], pair: 'b-to-a' }, SPECIAL, typeIds)).toEqual({ rows: [2], cols: [1] });
  });
});

describe('reductions over heads', () => {
  it('take the mean and the max of each cell', () => {
    const layer = Float32Array.from([1, 0, 0.5, 0.5, 0, 1, 0.25, 0.75]); // 2 heads of (2, 2)
    expect([...meanOverHeads(layer, 2, 2)]).toEqual([0.5, 0.5, 0.375, 0.625]);
    expect([...maxOverHeads(layer, 2, 2)]).toEqual([1, 1, 0.5, 0.75]);
  });
});
