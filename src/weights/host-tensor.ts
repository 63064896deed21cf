/**
 * A float tensor in host memory, row-major, named as in its checkpoint.
 * `data` may be a view into the checkpoint's bytes (no copy for aligned F32): copy it before mutating in place.
 */
export interface HostTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

export function numelOf(shape: readonly number[]): number {
  return shape.reduce((product, dim) => product * dim, 1);
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
