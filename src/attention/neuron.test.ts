import { describe, expect, it } from 'vitest';
import { defaultQuery, kvHeadOf, neuronTrace } from './neuron';

// T = 2, H = Hkv = 2, D = 2. Each row is q | k | v, each part [head 0 (2), head 1 (2)].
// Head 1: q0 = [1, 0]; k0 = [1, 0], k1 = [0, 2]; v0 = [1, 2], v1 = [3, 4]. Head 0 is all 9s (must not leak in).
const QKV = Float32Array.from([
  9, 9, 1, 0, /* k */ 9, 9, 1, 0, /* v */ 9, 9, 1, 2,
  9, 9, 0, 0, /* k */ 9, 9, 0, 2, /* v */ 9, 9, 3, 4,
]);

describe('neuron trace', () => {
  it('follows softmax(q·k / √D)·v by hand', () => {
    const trace = neuronTrace({ qkv: QKV, T: 2, H: 2, Hkv: 2, head: 1, token: 0, causal: false });
    expect(trace.D).toBe(2);
    expect([...trace.query]).toEqual([1, 0]);
    expect([...trace.keys]).toEqual([1, 0, 0, 2]);
    expect([...trace.dots]).toEqual([1, 0]);
    expect(trace.scaled[0]).toBeCloseTo(1 / Math.SQRT2, 12);
    const p0 = Math.exp(1 / Math.SQRT2) / (Math.exp(1 / Math.SQRT2) + 1);
    expect(trace.weights[0]).toBeCloseTo(p0, 12);
    expect(trace.output[0]).toBeCloseTo(p0 * 1 + (1 - p0) * 3, 12);
    expect(trace.output[1]).toBeCloseTo(p0 * 2 + (1 - p0) * 4, 12);
  });

  it('masks later keys for a causal model', () => {
    const trace = neuronTrace({ qkv: QKV, T: 2, H: 2, Hkv: 2, head: 1, token: 0, causal: true });
    expect(trace.visible).toBe(1);
    expect([...trace.weights]).toEqual([1, 0]);
    expect(Number.isNaN(trace.dots[1])).toBe(true);
    expect([...trace.output]).toEqual([1, 2]);
  });

  it('reads the shared kv head of grouped-query attention: q at h·D, k at (H + g)·D, v at (H + Hkv + g)·D', () => {
    // H = 4 query heads on Hkv = 2 kv heads, D = 1, T = 2: rows are q0 q1 q2 q3 | k0 k1 | v0 v1.
    // Query head 3 reads kv head ⌊3 / 2⌋ = 1: k = [5, 7], v = [50, 70]; q3 of token 1 = 2 (the others must not leak in).
    const qkv = Float32Array.from([
      9, 9, 9, 9, /* k */ 1, 5, /* v */ 10, 50,
      9, 9, 9, 2, /* k */ 3, 7, /* v */ 30, 70,
    ]);
    expect([0, 1, 2, 3].map((h) => kvHeadOf(h, 4, 2))).toEqual([0, 0, 1, 1]);
    expect([0, 1, 2, 3, 4, 5].map((h) => kvHeadOf(h, 6, 3))).toEqual([0, 0, 1, 1, 2, 2]);
    expect([0, 7].map((h) => kvHeadOf(h, 8, 1))).toEqual([0, 0]);
    const trace = neuronTrace({ qkv, T: 2, H: 4, Hkv: 2, head: 3, token: 1, causal: false });
    expect(trace.kvHead).toBe(1);
    expect([...trace.query]).toEqual([2]);
    expect([...trace.keys]).toEqual([5, 7]);
    expect([...trace.values]).toEqual([50, 70]);
    expect([...trace.dots]).toEqual([10, 14]);
    // softmax([10, 14]) by hand: p1 = 1 / (1 + e^-4).
    const p1 = 1 / (1 + Math.exp(-4));
    expect(trace.weights[1]).toBeCloseTo(p1, 12);
    expect(trace.output[0]).toBeCloseTo((1 - p1) * 50 + p1 * 70, 10);
    expect(() => neuronTrace({ qkv: qkv.subarray(0, 15), T: 2, H: 4, Hkv: 2, head: 0, token: 0, causal: false })).toThrow(/do not split/);
  });

  it('opens on the last token that is not special', () => {
    expect(defaultQuery([true, false, false, true])).toBe(2);
    expect(defaultQuery([false, false, false])).toBe(2);
    expect(defaultQuery([true])).toBe(0);
  });
});
