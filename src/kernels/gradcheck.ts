// Finite-difference checks of the CPU references, in float64: the references only index their arrays, so handing
// them Float64Arrays runs them in full double precision (no f32 rounding in the central differences).
import { randomArray } from './testing';

/** A Float64Array seen through the Float32Array type the forward references are declared with. */
export function asFloat32(values: Float64Array): Float32Array {
  return values as unknown as Float32Array;
}

export function random64(length: number, seed: number, lo = -1, hi = 1): Float64Array {
  return Float64Array.from(randomArray(length, seed, lo, hi));
}

/** ∂loss/∂input[i] for every i by central differences, perturbing `input` in place (restored afterwards). */
export function numericalGradient(loss: () => number, input: Float64Array, h = 1e-5): Float64Array {
  const gradient = new Float64Array(input.length);
  for (let i = 0; i < input.length; i++) {
    const saved = input[i];
    input[i] = saved + h;
    const plus = loss();
    input[i] = saved - h;
    const minus = loss();
    input[i] = saved;
    gradient[i] = (plus - minus) / (2 * h);
  }
  return gradient;
}

/** Σ out·weights: a scalar whose gradient with respect to `out` is `weights` (the upstream gradient). */
export function weightedSum(out: ArrayLike<number>, weights: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < out.length; i++) sum += out[i] * weights[i];
  return sum;
}

/** Max |analytic - numeric| / max(1, |numeric|): relative for large gradients, absolute for small ones. */
export function gradientError(analytic: ArrayLike<number>, numeric: ArrayLike<number>): number {
  if (analytic.length !== numeric.length) throw new Error(`length ${analytic.length} != ${numeric.length}`);
  let max = 0;
  for (let i = 0; i < analytic.length; i++) {
    const error = Math.abs(analytic[i] - numeric[i]) / Math.max(1, Math.abs(numeric[i]));
    if (!(error <= max)) max = Number.isNaN(error) ? Infinity : error;
  }
  return max;
}

export function reportGradient(op: string, input: string, error: number): number {
  console.log(`finite differences ${op} d${input}: max error ${error.toExponential(2)}`);
  return error;
}
