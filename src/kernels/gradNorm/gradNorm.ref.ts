import type { Floats } from '../types';

/** √(Σ over every tensor of Σ g²): the global norm that gradient clipping compares with maxNorm. */
export function gradNormRef(grads: readonly Floats[]): number {
  let sum = 0;
  for (const grad of grads) for (let i = 0; i < grad.length; i++) sum += grad[i] * grad[i];
  return Math.sqrt(sum);
}
