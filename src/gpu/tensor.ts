export type DType = 'f32' | 'f16' | 'u32';

/** What a read-back of a tensor gives on the host: f16 is widened to f32. */
export type HostArray<D extends DType> = D extends 'u32' ? Uint32Array : Float32Array;

export const BYTES_PER_ELEMENT: Record<DType, number> = { f32: 4, f16: 2, u32: 4 };

/** A typed view of a pooled GPU storage buffer. The buffer may be larger than `byteLength` (size classes). */
export class Tensor<D extends DType = DType> {
  readonly numel: number;
  readonly byteLength: number;
  released = false;

  constructor(
    readonly label: string,
    readonly shape: readonly number[],
    readonly dtype: D,
    readonly buffer: GPUBuffer,
  ) {
    this.numel = shape.reduce((product, size) => product * size, 1);
    this.byteLength = this.numel * BYTES_PER_ELEMENT[dtype];
  }
}

/** A byte window of a tensor, for binding part of a buffer larger than maxStorageBufferBindingSize. */
export interface TensorWindow {
  tensor: Tensor;
  byteOffset: number;
  byteLength: number;
}

export type Binding = Tensor | TensorWindow;
