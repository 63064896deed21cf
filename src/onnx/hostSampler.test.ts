// The host sampler picks exactly what the GPU sampler's reference picks (sampleRef, argmaxRef), on logits with ties,
// at every combination of temperature, top-k and top-p, including the limits (k >= V, p = 1, greedy).
import { describe, expect, it } from 'vitest';
import { Rng } from '../common/random';
import { argmaxRef, sampleRef } from '../kernels/sampling/sampling.ref';
import { sampleHost } from './hostSampler';

function logitsWithTies(V: number, seed: number): Float32Array {
  const rng = new Rng(seed);
  // Values on a coarse grid so that ties occur, also at the top-k and top-p boundaries.
  return Float32Array.from({ length: V }, () => Math.round(rng.next() * 40 - 20) / 4);
}

describe('sampleHost', () => {
  const settings = [
    { temperature: 1, topK: 0, topP: 1 },
    { temperature: 0.8, topK: 40, topP: 0.95 },
    { temperature: 0.7, topK: 5, topP: 1 },
    { temperature: 1.3, topK: 0, topP: 0.5 },
    { temperature: 0.5, topK: 1, topP: 0.9 },
    { temperature: 2, topK: 999, topP: 0.99 },
  ];
  for (const V of [1, 7, 300, 5000]) {
    for (const setting of settings) {
      it(`equals sampleRef at V=${V}, t=${setting.temperature} k=${setting.topK} p=${setting.topP}`, () => {
        const rng = new Rng(V + setting.topK);
        let agreed = 0;
        for (let trial = 0; trial < 20; trial++) {
          const logits = logitsWithTies(V, trial * 31 + V);
          const uniform = rng.next();
          const expected = sampleRef({ logits, V, ...setting, uniform });
          expect(sampleHost(logits, { ...setting, uniform })).toBe(expected);
          agreed++;
        }
        expect(agreed).toBe(20);
      });
    }
  }

  it('is argmax (the first maximum) at temperature 0', () => {
    const logits = Float32Array.of(0.5, 3, -1, 3, 2);
    const out = new Uint32Array(1);
    argmaxRef({ logits, V: 5, out });
    expect(sampleHost(logits, { temperature: 0, topK: 40, topP: 0.9, uniform: 0.99 })).toBe(out[0]);
    expect(out[0]).toBe(1);
  });
});
