export interface AddArgs<F> {
  a: F; // (n)
  b: F; // (n)
  out: F; // (n), may be a or b
  n: number;
}

export function addRef({ a, b, out, n }: AddArgs<Float32Array>): void {
  for (let i = 0; i < n; i++) out[i] = a[i] + b[i];
}
