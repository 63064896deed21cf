// Test inputs shared by the SwiGLU forward and backward tests.
import { randomArray } from '../testing';

/** Gates wide enough for both tails of the sigmoid (where a naive exp overflows), ups in [-2, 2]. */
export function inputs(layout: 'separate' | 'fused', rows: number, F: number): [Float32Array, Float32Array] {
  const gate = randomArray(rows * F, rows + F, -30, 30);
  const up = randomArray(rows * F, rows + F + 1, -2, 2);
  if (layout === 'separate') return [gate, up];
  const fused = new Float32Array(rows * 2 * F); // (rows, 2F) gate | up
  for (let r = 0; r < rows; r++) {
    fused.set(gate.subarray(r * F, (r + 1) * F), r * 2 * F);
    fused.set(up.subarray(r * F, (r + 1) * F), r * 2 * F + F);
  }
  return [fused, fused];
}
