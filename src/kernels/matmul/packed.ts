// Packed matmul weights on the GPU (packed.ref.ts has the format): one u32 buffer, data words then scales, which
// `matmul` reads through io_packed.wgsl / blocked_io_packed.wgsl and dequantizes as it loads, accumulating in f32.

import type { Gpu, Tensor } from '../../gpu';
import type { PackedFormat, PackedWeight } from './packed.ref';

export interface PackedInfo {
  format: PackedFormat;
  N: number;
  K: number;
  scalesOffset: number;
  /** Packed from a (K, N) weight: its rows are the checkpoint's columns. */
  transposed: boolean;
}

/** The packing of each uploaded packed weight (a u32 tensor that matmul alone reads). */
const packedTensors = new WeakMap<Tensor, PackedInfo>();

/** WGSL's W_FORMAT for each packed format (packed_weights.wgsl). */
export const W_FORMAT_CODE: Record<PackedFormat, number> = { f16: 0, q8: 1, q4: 2 };

export function uploadPacked(gpu: Gpu, packed: PackedWeight, label: string): Tensor {
  const tensor = gpu.tensor([packed.words.length], 'u32', label);
  gpu.write(tensor, packed.words);
  packedTensors.set(tensor, { format: packed.format, N: packed.N, K: packed.K, scalesOffset: packed.scalesOffset, transposed: packed.transposed });
  return tensor;
}

/** How `tensor` is packed, or undefined for a plain f32 / f16 tensor. */
export function packedInfo(tensor: Tensor): PackedInfo | undefined {
  return packedTensors.get(tensor);
}
