// Reader for the safetensors format: an 8-byte little-endian header length N, N bytes of JSON
// ({ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: { key: value } }), then the data section.
// Offsets are relative to the data section. Typed-array views assume a little-endian host (every browser is).

import { WeightsError } from './errors';
import { bf16BitsToFloat32, f16BitsToFloat32, float32ToBf16Bits, float32ToF16Bits } from './half';
import { formatShape, numelOf, type HostTensor } from './host-tensor';
import type { TensorSource } from './tensor-source';

export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export const DTYPE_BYTES = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 } as const;
export type SafetensorsDtype = keyof typeof DTYPE_BYTES;

export interface TensorEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Byte range within the data section. */
  dataBegin: number;
  dataEnd: number;
}

export class SafetensorsFile implements TensorSource {
  private constructor(
    readonly fileName: string,
    readonly metadata: Readonly<Record<string, string>>,
    private readonly entries: ReadonlyMap<string, TensorEntry>,
    private readonly dataSection: Uint8Array,
    /** The whole file as parsed. */
    readonly bytes: Uint8Array,
  ) {}

  /** Validates the whole header and every tensor's bounds; converts no data. */
  static parse(bytes: ArrayBuffer | Uint8Array, fileName = 'model.safetensors'): SafetensorsFile {
    const file = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const headerLength = readHeaderLength(file, fileName);
    const header = parseHeaderJson(file.subarray(8, 8 + headerLength), fileName);
    const dataSection = file.subarray(8 + headerLength);
    const metadata = parseMetadata(header.__metadata__, fileName);
    const entries = new Map<string, TensorEntry>();
    for (const [name, value] of Object.entries(header)) {
      if (name !== '__metadata__') entries.set(name, parseEntry(name, value, dataSection.length, fileName));
    }
    checkNoOverlap([...entries.values()], fileName);
    return new SafetensorsFile(fileName, metadata, entries, dataSection, file);
  }

  get names(): string[] {
    return [...this.entries.keys()];
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  entry(name: string): TensorEntry {
    const entry = this.entries.get(name);
    if (!entry) throw new WeightsError(`${this.fileName}: no tensor named "${name}"`, this.fileName, name);
    return entry;
  }

  /** The tensor's stored bytes (a view, no copy). */
  rawBytes(name: string): Uint8Array {
    const { dataBegin, dataEnd } = this.entry(name);
    return this.dataSection.subarray(dataBegin, dataEnd);
  }

  /** The tensor as f32: a view for aligned F32 data, otherwise a converted copy. */
  float32(name: string): Float32Array {
    const { dtype } = this.entry(name);
    const bytes = this.rawBytes(name);
    switch (dtype) {
      case 'F32':
        return alignedView(bytes, 4, (buffer, offset, length) => new Float32Array(buffer, offset, length));
      case 'F16':
        return f16BitsToFloat32(alignedView(bytes, 2, (b, o, l) => new Uint16Array(b, o, l)));
      case 'BF16':
        return bf16BitsToFloat32(alignedView(bytes, 2, (b, o, l) => new Uint16Array(b, o, l)));
      default:
        return convertOther(bytes, dtype);
    }
  }

  /** The tensor as IEEE half bit patterns for an f16 GPU path: F16 data as stored, float data rounded. */
  f16Bits(name: string): Uint16Array {
    const { dtype } = this.entry(name);
    if (dtype === 'F16') return alignedView(this.rawBytes(name), 2, (b, o, l) => new Uint16Array(b, o, l));
    return float32ToF16Bits(this.float32(name));
  }

  /** The tensor as bfloat16 bit patterns: BF16 data as stored, other data rounded. */
  bf16Bits(name: string): Uint16Array {
    const { dtype } = this.entry(name);
    if (dtype === 'BF16') return alignedView(this.rawBytes(name), 2, (b, o, l) => new Uint16Array(b, o, l));
    return float32ToBf16Bits(this.float32(name));
  }

  hostTensor(name: string): HostTensor {
    return { name, shape: [...this.entry(name).shape], data: this.float32(name) };
  }
}

function readHeaderLength(file: Uint8Array, fileName: string): number {
  if (file.length < 8) {
    throw new WeightsError(
      `${fileName}: the file is ${file.length} bytes, too short to hold the 8-byte header length (truncated download?)`,
      fileName,
    );
  }
  const headerLength = new DataView(file.buffer, file.byteOffset, 8).getBigUint64(0, true);
  if (headerLength > BigInt(MAX_HEADER_BYTES)) {
    throw new WeightsError(
      `${fileName}: the header claims ${headerLength} bytes, over the ${MAX_HEADER_BYTES / 2 ** 20} MB limit ` +
        `(not a safetensors file?)`,
      fileName,
    );
  }
  if (headerLength > BigInt(file.length - 8)) {
    throw new WeightsError(
      `${fileName}: the header claims ${headerLength} bytes but only ${file.length - 8} follow the length ` +
        `(truncated file?)`,
      fileName,
    );
  }
  return Number(headerLength);
}

function parseHeaderJson(headerBytes: Uint8Array, fileName: string): Record<string, unknown> {
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(headerBytes));
  } catch (error) {
    throw new WeightsError(`${fileName}: the header is not valid JSON (${(error as Error).message})`, fileName);
  }
  if (!isPlainObject(header)) throw new WeightsError(`${fileName}: the header is not a JSON object`, fileName);
  return header;
}

function parseMetadata(value: unknown, fileName: string): Record<string, string> {
  if (value === undefined) return {};
  if (!isPlainObject(value) || Object.values(value).some((item) => typeof item !== 'string')) {
    throw new WeightsError(`${fileName}: __metadata__ must map names to strings`, fileName);
  }
  return value as Record<string, string>;
}

function parseEntry(name: string, value: unknown, dataLength: number, fileName: string): TensorEntry {
  const fail = (problem: string): never => {
    throw new WeightsError(`${fileName}: tensor "${name}": ${problem}`, fileName, name);
  };
  if (!isPlainObject(value)) return fail('its header entry is not an object');
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== 'string' || !(dtype in DTYPE_BYTES)) {
    return fail(`unknown dtype ${JSON.stringify(dtype)} (known: ${Object.keys(DTYPE_BYTES).join(', ')})`);
  }
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) {
    return fail(`shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger)) {
    return fail(`data_offsets ${JSON.stringify(offsets)} is not a pair of non-negative integers`);
  }
  const [dataBegin, dataEnd] = offsets as [number, number];
  if (dataBegin > dataEnd) return fail(`data_offsets [${dataBegin}, ${dataEnd}] end before they begin`);
  if (dataEnd > dataLength) {
    fail(
      `data_offsets [${dataBegin}, ${dataEnd}] reach past the end of the data section (${dataLength} bytes): ` +
        `truncated file or corrupt offsets`,
    );
  }
  const knownDtype = dtype as SafetensorsDtype;
  const expectedBytes = numelOf(shape) * DTYPE_BYTES[knownDtype];
  if (expectedBytes !== dataEnd - dataBegin) {
    fail(
      `shape ${formatShape(shape)} of ${knownDtype} needs ${expectedBytes} bytes ` +
        `but data_offsets [${dataBegin}, ${dataEnd}] span ${dataEnd - dataBegin}`,
    );
  }
  return { name, dtype: knownDtype, shape: [...shape], dataBegin, dataEnd };
}

function checkNoOverlap(entries: TensorEntry[], fileName: string): void {
  const byBegin = entries.filter((entry) => entry.dataEnd > entry.dataBegin).sort((a, b) => a.dataBegin - b.dataBegin);
  for (let i = 1; i < byBegin.length; i++) {
    const [previous, current] = [byBegin[i - 1], byBegin[i]];
    if (current.dataBegin < previous.dataEnd) {
      throw new WeightsError(
        `${fileName}: tensor "${current.name}" overlaps tensor "${previous.name}" in the data section`,
        fileName,
        current.name,
      );
    }
  }
}

/** A typed view on the bytes when their offset allows one, else a view on an aligned copy. */
function alignedView<T>(bytes: Uint8Array, elementBytes: number, view: (b: ArrayBuffer, o: number, l: number) => T): T {
  const aligned = bytes.byteOffset % elementBytes === 0 && bytes.buffer instanceof ArrayBuffer ? bytes : bytes.slice();
  return view(aligned.buffer as ArrayBuffer, aligned.byteOffset, aligned.length / elementBytes);
}

function convertOther(bytes: Uint8Array, dtype: Exclude<SafetensorsDtype, 'F32' | 'F16' | 'BF16'>): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const count = bytes.length / DTYPE_BYTES[dtype];
  const out = new Float32Array(count);
  const read: Record<typeof dtype, (index: number) => number> = {
    F64: (i) => view.getFloat64(i * 8, true),
    I64: (i) => Number(view.getBigInt64(i * 8, true)),
    I32: (i) => view.getInt32(i * 4, true),
    I16: (i) => view.getInt16(i * 2, true),
    I8: (i) => view.getInt8(i),
    U8: (i) => view.getUint8(i),
    BOOL: (i) => (view.getUint8(i) === 0 ? 0 : 1),
  };
  const readOne = read[dtype];
  for (let i = 0; i < count; i++) out[i] = readOne(i);
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
