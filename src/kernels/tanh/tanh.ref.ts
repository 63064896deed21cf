import type { Floats } from '../types';

export interface TanhArgs<F> {
  x: F; // (n)
  out: F; // (n)
  n: number;
}

export interface TanhBackwardArgs<F> {
  out: F; // (n) tanh(x) from the forward pass
  grad: F; // (n) ∂loss/∂out in, ∂loss/∂x out (in place)
  n: number;
}

export function tanhRef({ x, out, n }: TanhArgs<Floats>): void {
  for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]);
}

/** d tanh(x)/dx = 1 - tanh(x)², from the saved output. */
export function tanhBackwardRef({ out, grad, n }: TanhBackwardArgs<Floats>): void {
  for (let i = 0; i < n; i++) grad[i] *= 1 - out[i] * out[i];
}
