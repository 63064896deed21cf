import { erf, type GeluForm } from './gelu.ref';
import type { Floats } from '../types';

export interface GeluBackwardArgs<F> {
  x: F; // (n) the pre-activation
  grad: F; // (n) ∂loss/∂gelu(x) in, ∂loss/∂x out (in place)
  n: number;
  form: GeluForm;
}

/** d/dx x·Φ(x) = Φ(x) + x·φ(x). */
export function geluErfDerivative(x: number): number {
  return 0.5 * (1 + erf(x / Math.SQRT2)) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI);
}

/** d/dx of 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function geluTanhDerivative(x: number): number {
  const k = Math.sqrt(2 / Math.PI);
  const t = Math.tanh(k * (x + 0.044715 * x ** 3));
  return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x);
}

export function geluBackwardRef({ x, grad, n, form }: GeluBackwardArgs<Floats>): void {
  const derivative = form === 'erf' ? geluErfDerivative : geluTanhDerivative;
  for (let i = 0; i < n; i++) grad[i] *= derivative(x[i]);
}
