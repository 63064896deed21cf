// Named tensors of a checkpoint, whatever the file format: one safetensors file, shards behind an index, or a torch
// pickle. The model families read their parameters through this and nothing else.

import type { HostTensor } from './host-tensor';

/** Element types as safetensors names them (a torch checkpoint's dtypes are mapped onto these). */
export type TensorDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

export interface TensorInfo {
  name: string;
  dtype: TensorDtype;
  shape: number[];
}

export interface TensorSource {
  /** The file (or files) the tensors come from, for messages: "model.safetensors", "pytorch_model.bin", … */
  readonly fileName: string;
  /** Every tensor name, in the file's order. */
  readonly names: readonly string[];
  has(name: string): boolean;
  /** dtype and shape; throws a WeightsError naming the tensor when there is none. */
  entry(name: string): TensorInfo;
  /**
   * The tensor as f32 (F16/BF16 widened), converted now, when asked (never all at once at parse time). May be a
   * view into the file's bytes: copy before mutating.
   */
  hostTensor(name: string): HostTensor;
  /**
   * The caller is done with these tensors (default: all), e.g. once they are on the GPU: the source drops its
   * reference to bytes that hold only released tensors (a sharded source, shard by shard), so they can be
   * garbage-collected once the caller's own views are gone. Reading a released tensor throws a WeightsError.
   */
  release?(names?: readonly string[]): void;
  /** Bytes of checkpoint data the source still holds (for memory read-outs and tests). */
  readonly heldBytes?: number;
}
