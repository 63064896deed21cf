// Reader for the safetensors format: an 8-byte little-endian header length N, N bytes of JSON
// ({ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__?: { key: value } }), then the data section.
// Offsets are relative to the data section. Typed-array views assume a little-endian host (every browser is).

import { alignedView, decodeToFloat32, DTYPE_BYTES, DTYPE_NAMES, isTensorDtype } from './dtypes';
import { WeightsError } from './errors';
import { float32ToBf16Bits, float32ToF16Bits } from '../common/half';
import { formatShape, numelOf, type HostTensor } from './host-tensor';
import type { TensorDtype, TensorSource } from './tensor-source';

/** The format's own limit (as the Rust `safetensors` crate): a larger length is not a safetensors file. */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;
/**
 * More tensors than any real checkpoint file holds (GPT-2 124M: 160; the largest shards: a few thousand). Counted
 * before the JSON is parsed, so a 50 MB header of half a million empty tensors costs one byte scan, not a parse.
 */
export const MAX_TENSORS = 100_000;

export type SafetensorsDtype = TensorDtype;

export interface TensorEntry {
  name: string;
  dtype: SafetensorsDtype;
  shape: number[];
  /** Byte range within the data section. */
  dataBegin: number;
  dataEnd: number;
}

export class SafetensorsFile implements TensorSource {
  readonly names: readonly string[];
  #file: Uint8Array | null;
  #dataSection: Uint8Array | null;
  readonly #released = new Set<string>();

  private constructor(
    readonly fileName: string,
    readonly metadata: Readonly<Record<string, string>>,
    private readonly entries: ReadonlyMap<string, TensorEntry>,
    dataSection: Uint8Array,
    file: Uint8Array,
  ) {
    this.names = [...entries.keys()];
    this.#file = file;
    this.#dataSection = dataSection;
  }

  /** Validates the whole header and every tensor's bounds, once; converts no data. */
  static parse(bytes: ArrayBuffer | Uint8Array, fileName = 'model.safetensors', counted = false): SafetensorsFile {
    const file = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    const headerLength = readHeaderLength(file, fileName);
    const headerBytes = file.subarray(8, 8 + headerLength);
    if (!counted) new EntryCounter(fileName).scan(headerBytes);
    const header = parseHeaderJson(headerBytes, fileName);
    const dataSection = file.subarray(8 + headerLength);
    const metadata = parseMetadata(header.__metadata__, fileName);
    const entries = new Map<string, TensorEntry>();
    for (const [name, value] of Object.entries(header)) {
      if (name !== '__metadata__') entries.set(name, parseEntry(name, value, dataSection.length, fileName));
    }
    checkNoOverlap([...entries.values()], fileName);
    return new SafetensorsFile(fileName, metadata, entries, dataSection, file);
  }

  /**
   * parse, for the page's main thread: the header's entries are counted in slices of a few megabytes with the event
   * loop let in between, so a 50 MB header is refused without a frame of more than a few tens of milliseconds.
   */
  static async open(bytes: Uint8Array, fileName = 'model.safetensors'): Promise<SafetensorsFile> {
    const headerBytes = bytes.subarray(8, 8 + readHeaderLength(bytes, fileName));
    const counter = new EntryCounter(fileName);
    for (let at = 0; at < headerBytes.length; at += COUNT_SLICE_BYTES) {
      counter.scan(headerBytes.subarray(at, at + COUNT_SLICE_BYTES));
      if (at + COUNT_SLICE_BYTES < headerBytes.length) await new Promise((resolve) => setTimeout(resolve, 0));
    }
    return SafetensorsFile.parse(bytes, fileName, true);
  }

  /** The whole file as parsed (until every tensor is released). */
  get bytes(): Uint8Array {
    if (!this.#file) throw this.releasedError();
    return this.#file;
  }

  /** Bytes of tensor data still held (0 once every tensor is released). */
  get heldBytes(): number {
    return this.#file?.length ?? 0;
  }

  /** Lets go of the file's bytes once every tensor (or every one in `names`, cumulatively) has been released. */
  release(names: readonly string[] = this.names): void {
    for (const name of names) if (this.entries.has(name)) this.#released.add(name);
    if (this.#released.size === this.entries.size) {
      this.#file = null;
      this.#dataSection = null;
    }
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
    if (!this.#dataSection || this.#released.has(name)) throw this.releasedError(name);
    return this.#dataSection.subarray(dataBegin, dataEnd);
  }

  /** The tensor as f32: a view for aligned F32 data, otherwise a converted copy (made now, not at parse time). */
  float32(name: string): Float32Array {
    return decodeToFloat32(this.rawBytes(name), this.entry(name).dtype);
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

  private releasedError(name?: string): WeightsError {
    const what = name === undefined ? 'its bytes were' : `tensor "${name}" was`;
    return new WeightsError(`${this.fileName}: ${what} released after loading; load the model again to read it`, this.fileName, name);
  }
}

const COUNT_SLICE_BYTES = 2 * 2 ** 20;

/**
 * Refuses a header with more than MAX_TENSORS entries before parsing it: every entry is a JSON object, so the
 * objects outside strings bound the count (one pass over the bytes, no allocation; fed in slices, state carried).
 */
class EntryCounter {
  private objects = 0;
  private inString = false;
  private escaped = false;

  constructor(private readonly fileName: string) {}

  scan(bytes: Uint8Array): void {
    let { objects, inString, escaped } = this;
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i];
      if (escaped) escaped = false;
      else if (inString) {
        if (byte === 0x5c) escaped = true; // backslash: the next byte is escaped
        else if (byte === 0x22) inString = false;
      } else if (byte === 0x22) {
        inString = true;
      } else if (byte === 0x7b && ++objects > MAX_TENSORS + 2) {
        // + 2: the header itself and __metadata__
        throw new WeightsError(
          `${this.fileName}: the header holds more than ${MAX_TENSORS.toLocaleString('en-US')} entries, more than any ` +
            `real checkpoint file (not a model checkpoint?)`,
          this.fileName,
        );
      }
    }
    Object.assign(this, { objects, inString, escaped });
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
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    throw new WeightsError(`${fileName}: the header is not valid JSON (it is not UTF-8 text)`, fileName);
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    // JSON.parse recurses: a header nested thousands deep overflows the stack (a RangeError, not a SyntaxError).
    const why = error instanceof SyntaxError ? error.message : 'it nests too deeply';
    throw new WeightsError(`${fileName}: the header is not valid JSON (${why})`, fileName);
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
  if (!isTensorDtype(dtype)) {
    return fail(`unknown dtype ${shown(dtype)} (known: ${DTYPE_NAMES.join(', ')})`);
  }
  if (!Array.isArray(shape) || !shape.every(isNonNegativeInteger)) {
    return fail(`shape ${shown(shape)} is not a list of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isNonNegativeInteger)) {
    return fail(`data_offsets ${shown(offsets)} is not a pair of non-negative integers`);
  }
  const [dataBegin, dataEnd] = offsets as [number, number];
  if (dataBegin > dataEnd) return fail(`data_offsets [${dataBegin}, ${dataEnd}] end before they begin`);
  if (dataEnd > dataLength) {
    fail(
      `data_offsets [${dataBegin}, ${dataEnd}] reach past the end of the data section (${dataLength} bytes): ` +
        `truncated file or corrupt offsets`,
    );
  }
  const expectedBytes = numelOf(shape) * DTYPE_BYTES[dtype];
  if (expectedBytes !== dataEnd - dataBegin) {
    fail(
      `shape ${formatShape(shape)} of ${dtype} needs ${expectedBytes} bytes ` +
        `but data_offsets [${dataBegin}, ${dataEnd}] span ${dataEnd - dataBegin}`,
    );
  }
  return { name, dtype, shape: [...shape], dataBegin, dataEnd };
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

/** A header value in a message: JSON, cut short; "missing" when absent. */
function shown(value: unknown): string {
  if (value === undefined) return '(missing)';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}
