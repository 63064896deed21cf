// Dropout's keep/drop decision, shared by the WGSL kernel's host side, the CPU reference and the training graphs.

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
