import { describe, expect, it } from 'vitest';
import { neuronTrace } from './neuron';

// T = 2, C = 4, H = 2 (D = 2). Each row is q | k | v, each third [head 0 (2), head 1 (2)].
// Head 1: q0 = [1, 0]; k0 = [1, 0], k1 = [0, 2]; v0 = [1, 2], v1 = [3, 4]. Head 0 is all 9s (must not leak in).
const QKV = Float32Array.from([
  9, 9, 1, 0, /* k */ 9, 9, 1, 0, /* v */ 9, 9, 1, 2,
  9, 9, 0, 0, /* k */ 9, 9, 0, 2, /* v */ 9, 9, 3, 4,
]);

describe('neuron trace', () => {
  it('follows softmax(q·k / √D)·v by hand', () => {
    const trace = neuronTrace({ qkv: QKV, T: 2, C: 4, H: 2, head: 1, token: 0, causal: false });
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
    const trace = neuronTrace({ qkv: QKV, T: 2, C: 4, H: 2, head: 1, token: 0, causal: true });
    expect(trace.visible).toBe(1);
    expect([...trace.weights]).toEqual([1, 0]);
    expect(Number.isNaN(trace.dots[1])).toBe(true);
    expect([...trace.output]).toEqual([1, 2]);
  });
});
