import type { Floats } from '../types';

/**
 * Where the gate and up projections are read: element (r, f) at gate[r·inStride + gateCol + f] and
 * up[r·inStride + upCol + f]. Two (rows, F) buffers: the defaults. One fused (rows, 2F) gate|up matmul output: the
 * same buffer as gate and up, inStride 2F, upCol F.
 */
export interface SwigluLayout {
  rows: number;
  F: number; // FFN inner size
  inStride?: number; // default F
  gateCol?: number; // default 0
  upCol?: number; // default 0
}

export interface SwigluArgs<Buf> extends SwigluLayout {
  gate: Buf;
  up: Buf; // may be gate (fused layout)
  out: Buf; // (rows, F)
}

export function silu(x: number): number {
  return x / (1 + Math.exp(-x));
}

/** d/dx x·σ(x) = σ(x)·(1 + x·(1 - σ(x))). */
export function siluDerivative(x: number): number {
  const s = 1 / (1 + Math.exp(-x));
  return s * (1 + x * (1 - s));
}

/** out = silu(gate)·up elementwise: the product inside Llama's MLP, down(silu(gate(x))·up(x)). */
export function swigluRef({ gate, up, out, rows, F, inStride = F, gateCol = 0, upCol = 0 }: SwigluArgs<Floats>): void {
  for (let r = 0; r < rows; r++) {
    for (let f = 0; f < F; f++) out[r * F + f] = silu(gate[r * inStride + gateCol + f]) * up[r * inStride + upCol + f];
  }
}
