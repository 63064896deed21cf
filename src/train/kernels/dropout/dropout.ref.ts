import type { Floats } from '../matmulBackward/matmulBackward.ref';

export interface DropoutArgs<F> {
  x: F; // (n)
  out: F; // (n) x / (1 - p) where kept, 0 where dropped
  n: number;
  p: number; // drop probability in [0, 1)
  /** Picks the mask: the same seed gives the same mask, so the backward pass (and a resumed run) reproduces it. */
  seed: number;
}

/** lowbias32 (Chris Wellons' integer hash): good avalanche for consecutive inputs, identical in WGSL. */
export function hash32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d) >>> 0;
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** Element i is dropped when hash32(i ^ hash32(seed)) < p·2³². */
export function dropThreshold(p: number): number {
  if (!(p >= 0 && p < 1)) throw new Error(`dropout probability ${p} is outside [0, 1)`);
  return Math.floor(p * 2 ** 32);
}

/** Dropout is linear in x: its backward pass is this same function applied to the gradient with the same seed. */
export function dropoutRef({ x, out, n, p, seed }: DropoutArgs<Floats>): void {
  const threshold = dropThreshold(p);
  const key = hash32(seed);
  const scale = 1 / (1 - p);
  for (let i = 0; i < n; i++) out[i] = hash32((i ^ key) >>> 0) >= threshold ? x[i] * scale : 0;
}
