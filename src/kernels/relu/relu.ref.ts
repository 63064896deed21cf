import type { Floats } from '../types';

export interface ReluArgs<F> {
  x: F; // (n)
  out: F; // (n)
  n: number;
}

export interface ReluBackwardArgs<F> {
  out: F; // (n) relu(x) from the forward pass
  grad: F; // (n) ∂loss/∂out in, ∂loss/∂x out (in place)
  n: number;
}

export function reluRef({ x, out, n }: ReluArgs<Floats>): void {
  for (let i = 0; i < n; i++) out[i] = Math.max(x[i], 0);
}

/** d relu(x)/dx = 1 where x > 0, else 0 (torch's threshold_backward: 0 at x = 0), read from the saved output. */
export function reluBackwardRef({ out, grad, n }: ReluBackwardArgs<Floats>): void {
  for (let i = 0; i < n; i++) if (!(out[i] > 0)) grad[i] = 0;
}
