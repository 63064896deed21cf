// Builders for torch checkpoint files in tests and the fuzz suite: pickles opcode by opcode, stored zip archives
// and whole torch.save-shaped archives, so crafted (and hostile) files need no Python.

import { crc32 } from '../zip';

const encoder = new TextEncoder();

/** A pickle written opcode by opcode (protocol 2, as torch.save writes). */
export class PickleBuilder {
  private readonly parts: number[] = [];

  op(...bytes: number[]): this {
    this.parts.push(...bytes);
    return this;
  }

  proto(version = 2): this {
    return this.op(0x80, version);
  }

  global(module: string, name: string): this {
    return this.op(0x63, ...encoder.encode(`${module}\n${name}\n`));
  }

  str(text: string): this {
    const bytes = encoder.encode(text);
    return this.op(0x58, ...u32(bytes.length), ...bytes);
  }

  int(value: number): this {
    if (value >= 0 && value < 256) return this.op(0x4b, value);
    if (value >= -(2 ** 31) && value < 2 ** 31) return this.op(0x4a, ...i32(value));
    const bytes: number[] = [];
    let rest = BigInt(value);
    for (let i = 0; i < 8; i++, rest >>= 8n) bytes.push(Number(rest & 0xffn));
    return this.op(0x8a, 8, ...bytes);
  }

  tuple(count: number): this {
    return count === 0 ? this.op(0x29) : count <= 3 ? this.op(0x84 + count) : this.op(0x74);
  }

  mark(): this {
    return this.op(0x28);
  }

  reduce(): this {
    return this.op(0x52);
  }

  put(index: number): this {
    return this.op(0x71, index);
  }

  get(index: number): this {
    return this.op(0x68, index);
  }

  stop(): this {
    return this.op(0x2e);
  }

  bytes(): Uint8Array {
    return new Uint8Array(this.parts);
  }
}

export interface CraftedTensor {
  name: string;
  storage?: string; // the storage class name, default FloatStorage
  key: string;
  numel: number; // the storage's element count
  offset?: number;
  shape: number[];
  stride?: number[]; // default: contiguous
}

/** data.pkl of an OrderedDict of tensors, opcode for opcode as torch.save writes it. */
export function stateDictPickle(tensors: readonly CraftedTensor[]): Uint8Array {
  const p = new PickleBuilder().proto().global('collections', 'OrderedDict').tuple(0).reduce().mark();
  for (const tensor of tensors) {
    p.str(tensor.name).global('torch._utils', '_rebuild_tensor_v2').mark();
    p.mark().str('storage').global('torch', tensor.storage ?? 'FloatStorage').str(tensor.key).str('cpu').int(tensor.numel).op(0x74);
    p.op(0x51).int(tensor.offset ?? 0);
    p.mark();
    for (const dim of tensor.shape) p.int(dim);
    p.op(0x74).mark();
    for (const stride of tensor.stride ?? contiguousStride(tensor.shape)) p.int(stride);
    p.op(0x74).op(0x89).global('collections', 'OrderedDict').tuple(0).reduce().op(0x74).reduce();
  }
  return p.op(0x75).stop().bytes();
}

export function contiguousStride(shape: readonly number[]): number[] {
  const stride = new Array<number>(shape.length);
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    stride[d] = step;
    step *= shape[d];
  }
  return stride;
}

/**
 * A zip archive of stored (uncompressed) entries, data aligned to 64 bytes like torch's writer. `zip64`: every size
 * and offset in the central directory moved to zip64 fields, as writers do past 4 GB.
 */
export function storedZip(entries: readonly { name: string; data: Uint8Array }[], { zip64 = false } = {}): Uint8Array {
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const { name, data } of entries) {
    const nameBytes = encoder.encode(name);
    const headerLength = 30 + nameBytes.length;
    const padding = (64 - ((offset + headerLength + 4) % 64)) % 64; // an extra field that aligns the data
    const extra = new Uint8Array(4 + padding);
    new DataView(extra.buffer).setUint16(0, 0x4246, true); // torch's padding id ("FB")
    new DataView(extra.buffer).setUint16(2, padding, true);
    const crc = crc32(data);
    chunks.push(localHeader(nameBytes, extra, data.length, crc), data);
    central.push(centralHeader(nameBytes, data.length, crc, offset, zip64));
    offset += headerLength + extra.length + data.length;
  }
  const directorySize = central.reduce((sum, entry) => sum + entry.length, 0);
  const tail: Uint8Array[] = [];
  if (zip64) {
    const record = new Uint8Array(56);
    const recordView = new DataView(record.buffer);
    recordView.setUint32(0, 0x06064b50, true);
    recordView.setBigUint64(4, 44n, true);
    recordView.setBigUint64(24, BigInt(entries.length), true);
    recordView.setBigUint64(32, BigInt(entries.length), true);
    recordView.setBigUint64(40, BigInt(directorySize), true);
    recordView.setBigUint64(48, BigInt(offset), true);
    const locator = new Uint8Array(20);
    const locatorView = new DataView(locator.buffer);
    locatorView.setUint32(0, 0x07064b50, true);
    locatorView.setBigUint64(8, BigInt(offset + directorySize), true);
    locatorView.setUint32(16, 1, true);
    tail.push(record, locator);
  }
  const end = new Uint8Array(22);
  const view = new DataView(end.buffer);
  view.setUint32(0, 0x06054b50, true);
  view.setUint16(8, zip64 ? 0xffff : entries.length, true);
  view.setUint16(10, zip64 ? 0xffff : entries.length, true);
  view.setUint32(12, zip64 ? 0xffffffff : directorySize, true);
  view.setUint32(16, zip64 ? 0xffffffff : offset, true);
  return concat([...chunks, ...central, ...tail, end]);
}

/** A torch.save-shaped archive: `<folder>/data.pkl`, `<folder>/data/<key>` per storage, `<folder>/version`. */
export function torchZip(
  pickle: Uint8Array,
  storages: Record<string, Uint8Array>,
  folder = 'archive',
  options: { zip64?: boolean } = {},
): Uint8Array {
  return storedZip(
    [
      { name: `${folder}/data.pkl`, data: pickle },
      ...Object.entries(storages).map(([key, data]) => ({ name: `${folder}/data/${key}`, data })),
      { name: `${folder}/version`, data: encoder.encode('3\n') },
    ],
    options,
  );
}

function localHeader(name: Uint8Array, extra: Uint8Array, size: number, crc: number): Uint8Array {
  const header = new Uint8Array(30 + name.length + extra.length);
  const view = new DataView(header.buffer);
  view.setUint32(0, 0x04034b50, true);
  view.setUint16(4, 20, true);
  view.setUint32(14, crc, true);
  view.setUint32(18, size, true);
  view.setUint32(22, size, true);
  view.setUint16(26, name.length, true);
  view.setUint16(28, extra.length, true);
  header.set(name, 30);
  header.set(extra, 30 + name.length);
  return header;
}

function centralHeader(name: Uint8Array, size: number, crc: number, localOffset: number, zip64: boolean): Uint8Array {
  const extraLength = zip64 ? 4 + 24 : 0;
  const header = new Uint8Array(46 + name.length + extraLength);
  const view = new DataView(header.buffer);
  view.setUint32(0, 0x02014b50, true);
  view.setUint16(4, zip64 ? 45 : 20, true);
  view.setUint16(6, zip64 ? 45 : 20, true);
  view.setUint32(16, crc, true);
  view.setUint32(20, zip64 ? 0xffffffff : size, true);
  view.setUint32(24, zip64 ? 0xffffffff : size, true);
  view.setUint16(28, name.length, true);
  view.setUint16(30, extraLength, true);
  view.setUint32(42, zip64 ? 0xffffffff : localOffset, true);
  header.set(name, 46);
  if (zip64) {
    // The zip64 extra field: uncompressed size, compressed size, local header offset (the fields that overflowed).
    const at = 46 + name.length;
    view.setUint16(at, 0x0001, true);
    view.setUint16(at + 2, 24, true);
    view.setBigUint64(at + 4, BigInt(size), true);
    view.setBigUint64(at + 12, BigInt(size), true);
    view.setBigUint64(at + 20, BigInt(localOffset), true);
  }
  return header;
}

function u32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

function i32(value: number): number[] {
  return u32(value >>> 0);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

export function float32Bytes(values: readonly number[]): Uint8Array {
  return new Uint8Array(new Float32Array(values).buffer);
}
