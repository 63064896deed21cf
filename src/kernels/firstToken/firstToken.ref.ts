import type { Floats } from '../types';

export interface FirstTokenArgs<F> {
  x: F; // (B, T, C)
  out: F; // (B, C) the first position ([CLS]) of each sequence
  B: number;
  T: number;
  C: number;
}

export interface FirstTokenBackwardArgs<F> {
  dout: F; // (B, C)
  dx: F; // (B, T, C) written: dout at t = 0, zero elsewhere
  B: number;
  T: number;
  C: number;
}

export function firstTokenRef({ x, out, B, T, C }: FirstTokenArgs<Floats>): void {
  for (let b = 0; b < B; b++) for (let c = 0; c < C; c++) out[b * C + c] = x[b * T * C + c];
}

export function firstTokenBackwardRef({ dout, dx, B, T, C }: FirstTokenBackwardArgs<Floats>): void {
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) for (let c = 0; c < C; c++) dx[(b * T + t) * C + c] = t === 0 ? dout[b * C + c] : 0;
  }
}
