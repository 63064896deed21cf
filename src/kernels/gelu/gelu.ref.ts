export type GeluForm = 'erf' | 'tanh';

export interface GeluArgs<F> {
  x: F; // (n)
  out: F; // (n)
  n: number;
  form: GeluForm;
}

/** Exact GELU, x·Φ(x) (BERT). */
export function geluErf(x: number): number {
  return 0.5 * x * (1 + erf(x / Math.SQRT2));
}

/** The tanh approximation (GPT-2's gelu_new). */
export function geluTanh(x: number): number {
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
}

export function geluRef({ x, out, n, form }: GeluArgs<Float32Array>): void {
  const gelu = form === 'erf' ? geluErf : geluTanh;
  for (let i = 0; i < n; i++) out[i] = gelu(x[i]);
}

/** erf via its Maclaurin series near 0 and the continued fraction of erfc beyond; accurate to ~1e-15. */
export function erf(x: number): number {
  const z = Math.abs(x);
  if (z < 2.5) {
    let term = z;
    let sum = z;
    for (let n = 1; n < 60; n++) {
      term *= (-z * z) / n;
      sum += term / (2 * n + 1);
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * sum;
  }
  let fraction = 0;
  for (let n = 60; n >= 1; n--) fraction = n / 2 / (z + fraction);
  const erfc = Math.exp(-z * z) / Math.sqrt(Math.PI) / (z + fraction);
  return Math.sign(x) * (1 - erfc);
}
