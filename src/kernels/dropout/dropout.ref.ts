import type { Floats } from '../types';
import { dropThreshold, hash32 } from './hash';

export interface DropoutArgs<F> {
  x: F; // (n)
  out: F; // (n) x / (1 - p) where kept, 0 where dropped
  n: number;
  p: number; // drop probability in [0, 1)
  /** Picks the mask: the same seed gives the same mask, so the backward pass (and a resumed run) reproduces it. */
  seed: number;
}



/** Dropout is linear in x: its backward pass is this same function applied to the gradient with the same seed. */
export function dropoutRef({ x, out, n, p, seed }: DropoutArgs<Floats>): void {
  const threshold = dropThreshold(p);
  const key = hash32(seed);
  const scale = 1 / (1 - p);
  for (let i = 0; i < n; i++) out[i] = hash32((i ^ key) >>> 0) >= threshold ? x[i] * scale : 0;
}
