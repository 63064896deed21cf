// Small host computations the walkthrough shows beside the engine's numbers (statistics of a row, products, counts).
// Every figure an explanation quotes is computed here from the arrays on screen.

/** Row t of a (rows, width) array. */
export const rowOf = (values: Float32Array, t: number, width: number): Float32Array => values.subarray(t * width, (t + 1) * width);

export function norm(v: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  return Math.sqrt(sum);
}

export function mean(v: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i];
  return sum / v.length;
}

/** Population standard deviation (what LayerNorm divides by, before ε). */
export function std(v: ArrayLike<number>): number {
  const m = mean(v);
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += (v[i] - m) ** 2;
  return Math.sqrt(sum / v.length);
}

/** Root mean square (what RMSNorm divides by, before ε). */
export const rms = (v: ArrayLike<number>): number => norm(v) / Math.sqrt(v.length);

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i] * b[i];
  return sum;
}

export function countWhere(v: ArrayLike<number>, test: (value: number) => boolean): number {
  let count = 0;
  for (let i = 0; i < v.length; i++) if (test(v[i])) count++;
  return count;
}

export function maxAbs(v: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < v.length; i++) if (Math.abs(v[i]) > max) max = Math.abs(v[i]);
  return max;
}

/** a + b elementwise. */
export const added = (a: Float32Array, b: Float32Array): Float32Array => a.map((value, i) => value + b[i]);

/** Max |a - b|. */
export function largestDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** Σ_j p_j v_j for one query: (Tk) weights over (Tk, D) values. */
export function weightedSum(p: ArrayLike<number>, v: Float32Array, D: number): Float32Array {
  const out = new Float32Array(D);
  for (let j = 0; j < p.length; j++) for (let d = 0; d < D; d++) out[d] += p[j] * v[j * D + d];
  return out;
}

/** A number for reading: 4 significant digits, exponent form when tiny or huge. */
export function fmt(value: number, digits = 4): string {
  if (value === -Infinity) return '−∞';
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e5)) return value.toExponential(digits - 1).replace('-', '−');
  return Number(value.toPrecision(digits)).toString().replace('-', '−');
}

/** "are equal" or "differ by at most …" for a largest difference between two computations of one thing. */
export const agreement = (difference: number): string => (difference === 0 ? 'are bit for bit equal' : `differ by at most ${fmt(difference)} (float32 rounding)`);

/** A probability as a percentage. */
export const percent = (p: number): string => `${(p * 100).toFixed(p < 0.001 ? 3 : 1)}%`;
