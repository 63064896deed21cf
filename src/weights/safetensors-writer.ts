import { WeightsError } from './errors';
import { float32ToBf16Bits, float32ToF16Bits } from '../common/half';
import { formatShape, numelOf, type HostTensor } from './host-tensor';
import { SafetensorsFile } from './safetensors';
import type { TensorSource } from './tensor-source';

export type WritableDtype = 'F32' | 'F16' | 'BF16';

/** A host tensor plus the dtype to store it as (F32 by default; F16 and BF16 round to nearest even). */
export interface WritableTensor extends HostTensor {
  dtype?: WritableDtype;
}

const ELEMENT_BYTES: Record<WritableDtype, number> = { F32: 4, F16: 2, BF16: 2 };

/**
 * Serialises tensors as a safetensors file. Wider dtypes come first, then names in order, so every tensor
 * starts aligned to its element size; the header is padded with spaces to a multiple of 8 bytes.
 */
export function writeSafetensors(
  tensors: readonly WritableTensor[],
  metadata: Record<string, string> = {},
): Uint8Array {
  const ordered = [...tensors].sort(
    (a, b) => ELEMENT_BYTES[b.dtype ?? 'F32'] - ELEMENT_BYTES[a.dtype ?? 'F32'] || compareNames(a.name, b.name),
  );
  const header: Record<string, unknown> = Object.keys(metadata).length > 0 ? { __metadata__: metadata } : {};
  const payloads: Uint8Array[] = [];
  let dataLength = 0;
  for (const tensor of ordered) {
    checkWritable(tensor, header);
    const dtype = tensor.dtype ?? 'F32';
    const payload = encode(tensor.data, dtype);
    header[tensor.name] = { dtype, shape: tensor.shape, data_offsets: [dataLength, dataLength + payload.length] };
    payloads.push(payload);
    dataLength += payload.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const file = new Uint8Array(8 + headerLength + dataLength);
  new DataView(file.buffer).setBigUint64(0, BigInt(headerLength), true);
  file.set(json, 8);
  file.fill(0x20, 8 + json.length, 8 + headerLength);
  let offset = 8 + headerLength;
  for (const payload of payloads) {
    file.set(payload, offset);
    offset += payload.length;
  }
  return file;
}

function checkWritable(tensor: WritableTensor, headerSoFar: Record<string, unknown>): void {
  if (tensor.name === '__metadata__' || tensor.name in headerSoFar) {
    throw new WeightsError(`cannot write tensor "${tensor.name}": duplicate or reserved name`, undefined, tensor.name);
  }
  if (numelOf(tensor.shape) !== tensor.data.length) {
    throw new WeightsError(
      `cannot write tensor "${tensor.name}": shape ${formatShape(tensor.shape)} holds ${numelOf(tensor.shape)} ` +
        `values but its data has ${tensor.data.length}`,
      undefined,
      tensor.name,
    );
  }
}

function encode(data: Float32Array, dtype: WritableDtype): Uint8Array {
  const stored = dtype === 'F32' ? data : dtype === 'F16' ? float32ToF16Bits(data) : float32ToBf16Bits(data);
  return new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength);
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A checkpoint as the bytes of one safetensors file (an ArrayBuffer of its own): the file itself when it is one, else written as F32. */
export function safetensorsBytes(source: TensorSource): ArrayBuffer {
  if (source instanceof SafetensorsFile) {
    const { buffer, byteOffset, byteLength } = source.bytes;
    return buffer.slice(byteOffset, byteOffset + byteLength) as ArrayBuffer;
  }
  const bytes = writeSafetensors(source.names.map((name) => source.hostTensor(name)));
  return bytes.buffer as ArrayBuffer;
}
