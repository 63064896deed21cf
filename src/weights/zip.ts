// Reader for zip archives as torch.save writes them (every entry stored, data aligned to 64 bytes, zip64 records
// past 4 GB) and as other tools may rewrite them (deflated entries, inflated by fflate). Stored entries are views
// into the archive's bytes, so a 500 MB checkpoint is not copied. Every offset and size is checked against the file
// before use; encrypted or multi-disk archives are refused.

import { inflateSync } from 'fflate';
import { WeightsError } from './errors';

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_LOCATOR = 0x07064b50;
const ZIP64_END = 0x06064b50;
const ZIP64_EXTRA = 0x0001;
const STORED = 0;
const DEFLATED = 8;
/** More entries than any checkpoint has (one per storage, a few per tensor at most). */
export const MAX_ZIP_ENTRIES = 1_000_000;

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  crc32: number;
  /** Where the entry's (compressed) data starts in the archive. */
  dataOffset: number;
}

export class ZipArchive {
  private constructor(
    readonly fileName: string,
    private readonly bytes: Uint8Array,
    private readonly entries: ReadonlyMap<string, ZipEntry>,
  ) {}

  static open(bytes: Uint8Array, fileName: string): ZipArchive {
    const reader = new ByteReader(bytes, fileName);
    const directory = findCentralDirectory(reader);
    const entries = new Map<string, ZipEntry>();
    let at = directory.offset;
    for (let i = 0; i < directory.count; i++) {
      const entry = readCentralEntry(reader, at);
      at = entry.next;
      if (entries.has(entry.entry.name)) reader.fail(`the archive lists "${entry.entry.name}" twice`);
      entries.set(entry.entry.name, entry.entry);
    }
    return new ZipArchive(fileName, bytes, entries);
  }

  get names(): string[] {
    return [...this.entries.keys()];
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  entry(name: string): ZipEntry {
    const entry = this.entries.get(name);
    if (!entry) throw new WeightsError(`${this.fileName}: the archive has no entry "${name}"`, this.fileName);
    return entry;
  }

  /** The entry's bytes: a view for a stored entry, an inflated copy for a deflated one. `checkCrc` for small entries. */
  read(name: string, { checkCrc = false } = {}): Uint8Array {
    const entry = this.entry(name);
    const raw = this.bytes.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
    let data: Uint8Array;
    if (entry.method === STORED) {
      data = raw;
    } else {
      // Deflate cannot expand more than about 1032:1; a larger claim is a lie (or a bomb).
      if (entry.size > entry.compressedSize * 1100 + 1024) {
        throw new WeightsError(
          `${this.fileName}: entry "${name}" claims to inflate ${entry.compressedSize} bytes to ${entry.size}, ` +
            `which deflate cannot do: corrupt archive`,
          this.fileName,
        );
      }
      try {
        data = inflateSync(raw, { out: allocate(entry.size, this.fileName, name) });
      } catch (error) {
        if (error instanceof WeightsError) throw error;
        throw new WeightsError(
          `${this.fileName}: entry "${name}" does not inflate (${(error as Error).message}): corrupt archive`,
          this.fileName,
        );
      }
      if (data.length !== entry.size) {
        throw new WeightsError(
          `${this.fileName}: entry "${name}" inflates to ${data.length} bytes, the archive says ${entry.size}`,
          this.fileName,
        );
      }
    }
    if (checkCrc && crc32(data) !== entry.crc32) {
      throw new WeightsError(`${this.fileName}: entry "${name}" fails its CRC-32 check: corrupt archive`, this.fileName);
    }
    return data;
  }
}

function allocate(size: number, fileName: string, name: string): Uint8Array {
  try {
    return new Uint8Array(size);
  } catch {
    throw new WeightsError(`${fileName}: entry "${name}" needs ${size} bytes, more than this browser can allocate`, fileName);
  }
}

class ByteReader {
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly fileName: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  }

  fail(problem: string): never {
    throw new WeightsError(`${this.fileName}: ${problem} (truncated or corrupt zip archive?)`, this.fileName);
  }

  need(at: number, length: number, what: string): void {
    if (at < 0 || length < 0 || at + length > this.bytes.length) {
      this.fail(`${what} at byte ${at} (${length} bytes) reaches past the end of the ${this.bytes.length}-byte file`);
    }
  }

  u16(at: number): number {
    return this.view.getUint16(at, true);
  }

  u32(at: number): number {
    return this.view.getUint32(at, true);
  }

  u64(at: number, what: string): number {
    const value = this.view.getBigUint64(at, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`${what} ${value} is not a usable size`);
    return Number(value);
  }
}

function findCentralDirectory(reader: ByteReader): { offset: number; count: number } {
  const { bytes } = reader;
  const lowest = Math.max(0, bytes.length - 22 - 0xffff); // the record (22 bytes) plus the longest comment
  let end = -1;
  for (let at = bytes.length - 22; at >= lowest; at--) {
    if (reader.u32(at) === END_OF_CENTRAL_DIRECTORY) {
      end = at;
      break;
    }
  }
  if (end < 0) reader.fail('no end-of-central-directory record');
  if (reader.u16(end + 4) !== 0 || reader.u16(end + 6) !== 0) reader.fail('multi-disk archives are not supported');
  let count = reader.u16(end + 10);
  let size = reader.u32(end + 12);
  let offset = reader.u32(end + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const locator = end - 20;
    reader.need(locator, 20, 'the zip64 end-of-central-directory locator');
    if (reader.u32(locator) !== ZIP64_END_LOCATOR) reader.fail('the zip64 locator is missing');
    const zip64 = reader.u64(locator + 8, 'the zip64 record offset');
    reader.need(zip64, 56, 'the zip64 end-of-central-directory record');
    if (reader.u32(zip64) !== ZIP64_END) reader.fail('the zip64 end-of-central-directory record is missing');
    count = reader.u64(zip64 + 32, 'the zip64 entry count');
    size = reader.u64(zip64 + 40, 'the zip64 directory size');
    offset = reader.u64(zip64 + 48, 'the zip64 directory offset');
  }
  if (count > MAX_ZIP_ENTRIES) reader.fail(`the archive claims ${count} entries, over the ${MAX_ZIP_ENTRIES} limit`);
  reader.need(offset, size, 'the central directory');
  if (count * 46 > size) reader.fail(`a ${size}-byte central directory cannot hold ${count} entries`);
  return { offset, count };
}

function readCentralEntry(reader: ByteReader, at: number): { entry: ZipEntry; next: number } {
  reader.need(at, 46, 'a central directory entry');
  if (reader.u32(at) !== CENTRAL_HEADER) reader.fail(`no central directory entry at byte ${at}`);
  const flags = reader.u16(at + 8);
  const method = reader.u16(at + 10);
  const crc = reader.u32(at + 16);
  let compressedSize = reader.u32(at + 20);
  let size = reader.u32(at + 24);
  const nameLength = reader.u16(at + 28);
  const extraLength = reader.u16(at + 30);
  const commentLength = reader.u16(at + 32);
  if (reader.u16(at + 34) !== 0) reader.fail('multi-disk archives are not supported');
  let localOffset = reader.u32(at + 42);
  reader.need(at + 46, nameLength + extraLength + commentLength, 'a central directory entry name');
  const name = new TextDecoder().decode(reader.bytes.subarray(at + 46, at + 46 + nameLength));
  const fail = (problem: string): never => reader.fail(`entry "${name}": ${problem}`);
  if (flags & 1) fail('is encrypted');
  if (method !== STORED && method !== DEFLATED) fail(`uses compression method ${method} (only stored and deflate are supported)`);
  // zip64: the 32-bit fields that overflowed (0xffffffff) follow in this order in the 0x0001 extra field.
  let extra = at + 46 + nameLength;
  const extraEnd = extra + extraLength;
  while (extra + 4 <= extraEnd) {
    const id = reader.u16(extra);
    const length = reader.u16(extra + 2);
    if (extra + 4 + length > extraEnd) fail('has a malformed extra field');
    if (id === ZIP64_EXTRA) {
      let field = extra + 4;
      const take = (what: string): number => {
        if (field + 8 > extra + 4 + length) fail(`its zip64 extra field lacks the ${what}`);
        const value = reader.u64(field, `the zip64 ${what}`);
        field += 8;
        return value;
      };
      if (size === 0xffffffff) size = take('size');
      if (compressedSize === 0xffffffff) compressedSize = take('compressed size');
      if (localOffset === 0xffffffff) localOffset = take('local header offset');
    }
    extra += 4 + length;
  }
  if (method === STORED && compressedSize !== size) fail(`is stored but its sizes differ (${compressedSize}, ${size})`);
  reader.need(localOffset, 30, `entry "${name}"'s local header`);
  if (reader.u32(localOffset) !== LOCAL_HEADER) fail(`has no local header at byte ${localOffset}`);
  const dataOffset = localOffset + 30 + reader.u16(localOffset + 26) + reader.u16(localOffset + 28);
  reader.need(dataOffset, compressedSize, `entry "${name}"'s data`);
  return {
    entry: { name, method, compressedSize, size, crc32: crc, dataOffset },
    next: at + 46 + nameLength + extraLength + commentLength,
  };
}

let crcTable: Uint32Array | undefined;

export function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
