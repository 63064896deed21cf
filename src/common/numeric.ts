// Comparing arrays, for tests and the ONNX cross-check: the project's one maxAbsDiff.

/** Max |actual - expected| over two equally long sequences (a NaN anywhere counts as Infinity); throws on a length mismatch. */
export function maxAbsDiff(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) throw new Error(`Cannot compare ${actual.length} values with ${expected.length}.`);
  let max = 0;
  for (let i = 0; i < actual.length; i++) {
    const diff = Math.abs(actual[i] - expected[i]);
    if (!(diff <= max)) max = Number.isNaN(diff) ? Infinity : diff;
  }
  return max;
}
