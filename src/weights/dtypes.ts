// Element types of stored tensors and their conversion to f32, shared by every checkpoint format. Typed-array views
// assume a little-endian host (every browser is); both formats store little-endian data.

import { bf16BitsToFloat32, f16BitsToFloat32 } from '../common/half';
import type { TensorDtype } from './tensor-source';

export const DTYPE_BYTES: Readonly<Record<TensorDtype, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U8: 1,
  BOOL: 1,
};

export const DTYPE_NAMES = Object.keys(DTYPE_BYTES) as TensorDtype[];

/** Own keys only: `"constructor" in DTYPE_BYTES` is true, `isTensorDtype("constructor")` is not. */
export function isTensorDtype(value: unknown): value is TensorDtype {
  return typeof value === 'string' && Object.hasOwn(DTYPE_BYTES, value);
}

/** Contiguous stored elements as f32: a view for aligned F32 data, otherwise a converted copy. */
export function decodeToFloat32(bytes: Uint8Array, dtype: TensorDtype): Float32Array {
  switch (dtype) {
    case 'F32':
      return alignedView(bytes, 4, (buffer, offset, length) => new Float32Array(buffer, offset, length));
    case 'F16':
      return f16BitsToFloat32(alignedView(bytes, 2, (b, o, l) => new Uint16Array(b, o, l)));
    case 'BF16':
      return bf16BitsToFloat32(alignedView(bytes, 2, (b, o, l) => new Uint16Array(b, o, l)));
    default: {
      const count = bytes.length / DTYPE_BYTES[dtype];
      const read = elementReader(bytes, dtype);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = read(i);
      return out;
    }
  }
}

type WideOrIntegerDtype = Exclude<TensorDtype, 'F32' | 'F16' | 'BF16'>;

function elementReader(bytes: Uint8Array, dtype: WideOrIntegerDtype): (index: number) => number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  switch (dtype) {
    case 'F64':
      return (i) => view.getFloat64(i * 8, true);
    case 'I64':
      return (i) => Number(view.getBigInt64(i * 8, true)); // beyond 2^53 loses precision, as any f32 would
    case 'I32':
      return (i) => view.getInt32(i * 4, true);
    case 'I16':
      return (i) => view.getInt16(i * 2, true);
    case 'I8':
      return (i) => view.getInt8(i);
    case 'U8':
      return (i) => view.getUint8(i);
    case 'BOOL':
      return (i) => (view.getUint8(i) === 0 ? 0 : 1);
  }
}

/** A typed view on the bytes when their offset allows one, else a view on an aligned copy. */
export function alignedView<T>(
  bytes: Uint8Array,
  elementBytes: number,
  view: (buffer: ArrayBuffer, offset: number, length: number) => T,
): T {
  const aligned = bytes.byteOffset % elementBytes === 0 && bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
  return view(aligned.buffer as ArrayBuffer, aligned.byteOffset, aligned.length / elementBytes);
}
