// pytorch_model.bin read without torch and without running anything it contains. torch.save writes (since 1.6) a
// zip archive: `<folder>/data.pkl` is a pickle of the state dict in which each tensor is a call to
// torch._utils._rebuild_tensor_v2(storage, offset, shape, stride, …) and each storage a persistent id
// ('storage', torch.FloatStorage, key, location, numel) whose bytes are the entry `<folder>/data/<key>`. Older torch
// wrote the same pickle bare, followed by the storages' bytes (the "legacy" format), which is read too.
// Tensors that share a storage (tied weights) share its bytes; offsets and strides are honoured.

import { decodeToFloat32, DTYPE_BYTES } from './dtypes';
import { WeightsError } from './errors';
import { formatShape, numelOf, type HostTensor } from './host-tensor';
import { PickleRefusal, PyDict, PyGlobal, PyList, PyTuple, unpickle, type PickleValue, type UnpickleHooks } from './pickle';
import type { TensorDtype, TensorInfo, TensorSource } from './tensor-source';
import { ZipArchive } from './zip';

/** torch's storage classes and the dtype each holds. */
const STORAGE_DTYPES: Readonly<Record<string, TensorDtype>> = {
  DoubleStorage: 'F64',
  FloatStorage: 'F32',
  HalfStorage: 'F16',
  BFloat16Storage: 'BF16',
  LongStorage: 'I64',
  IntStorage: 'I32',
  ShortStorage: 'I16',
  CharStorage: 'I8',
  ByteStorage: 'U8',
  BoolStorage: 'BOOL',
};

const REBUILD_TENSOR = 'torch._utils._rebuild_tensor_v2';
const REBUILD_PARAMETER = 'torch._utils._rebuild_parameter';
const REBUILD_PARAMETER_WITH_STATE = 'torch._utils._rebuild_parameter_with_state';
const ORDERED_DICT = 'collections.OrderedDict';

/** Every global a state dict may name; anything else is refused before it could be called. */
export const ALLOWED_GLOBALS: readonly string[] = [
  ORDERED_DICT,
  REBUILD_TENSOR,
  REBUILD_PARAMETER,
  REBUILD_PARAMETER_WITH_STATE,
  ...Object.keys(STORAGE_DTYPES).map((storage) => `torch.${storage}`),
];

const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
/**
 * A view may repeat its storage's elements (stride 0, as `expand` leaves position_ids); reading it materialises
 * every element, so a broadcast view larger than its storage is bounded (a crafted one could claim terabytes).
 */
export const MAX_BROADCAST_ELEMENTS = 2 ** 26;
const LEGACY_PROTOCOL = 1001;

interface StorageRecord {
  readonly kind: 'storage';
  key: string;
  dtype: TensorDtype;
  numel: number;
}

interface TensorRecord {
  readonly kind: 'tensor';
  storage: StorageRecord;
  offset: number; // elements
  shape: number[];
  stride: number[];
}

interface StoredTensor extends TensorInfo {
  storageKey: string;
  offset: number;
  stride: number[];
}

export class TorchCheckpoint implements TensorSource {
  readonly names: readonly string[];
  private readonly storages: Map<string, Uint8Array | null>;
  private readonly released = new Set<string>();

  private constructor(
    readonly fileName: string,
    /** 'zip' (torch >= 1.6) or 'legacy' (the older stream of pickles and raw storages). */
    readonly format: 'zip' | 'legacy',
    private readonly tensors: ReadonlyMap<string, StoredTensor>,
    storages: Map<string, Uint8Array>,
  ) {
    this.names = [...tensors.keys()];
    this.storages = storages;
  }

  /** Reads the archive's directory and the pickle, checks every tensor against its storage; converts no data. */
  static parse(bytes: Uint8Array, fileName = 'pytorch_model.bin'): TorchCheckpoint {
    if (bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
      return parseZipCheckpoint(bytes, fileName);
    }
    if (bytes.length >= 2 && bytes[0] === 0x80) return parseLegacyCheckpoint(bytes, fileName);
    if (bytes.length >= 262 && new TextDecoder().decode(bytes.subarray(257, 262)) === 'ustar') {
      throw new WeightsError(
        `${fileName} is a tar-format torch checkpoint (torch before 0.4), which is not supported: re-save it with ` +
          `torch.save in a current torch, or as safetensors`,
        fileName,
      );
    }
    throw new WeightsError(
      `${fileName} is not a PyTorch checkpoint: it is neither a zip archive (torch >= 1.6) nor a pickle (older torch)`,
      fileName,
    );
  }

  /** @internal the constructor, for the two format readers below. */
  static fromParts(
    fileName: string,
    format: 'zip' | 'legacy',
    tensors: Map<string, StoredTensor>,
    storages: Map<string, Uint8Array>,
  ): TorchCheckpoint {
    return new TorchCheckpoint(fileName, format, tensors, storages);
  }

  get heldBytes(): number {
    let held = 0;
    for (const bytes of this.storages.values()) held += bytes?.length ?? 0;
    return held;
  }

  has(name: string): boolean {
    return this.tensors.has(name);
  }

  entry(name: string): TensorInfo {
    const tensor = this.tensors.get(name);
    if (!tensor) throw new WeightsError(`${this.fileName}: no tensor named "${name}"`, this.fileName, name);
    return { name, dtype: tensor.dtype, shape: [...tensor.shape] };
  }

  /** The stored elements in row-major order, as stored (a view when contiguous, a gathered copy otherwise). */
  rawBytes(name: string): Uint8Array {
    this.entry(name);
    const tensor = this.tensors.get(name) as StoredTensor;
    const storage = this.storages.get(tensor.storageKey);
    if (!storage || this.released.has(name)) {
      throw new WeightsError(
        `${this.fileName}: tensor "${name}" was released after loading; load the model again to read it`,
        this.fileName,
        name,
      );
    }
    return gather(storage, tensor);
  }

  hostTensor(name: string): HostTensor {
    const { dtype, shape } = this.entry(name);
    return { name, shape, data: decodeToFloat32(this.rawBytes(name), dtype) };
  }

  /** Drops each storage once every tensor that views it has been released. */
  release(names: readonly string[] = this.names): void {
    for (const name of names) if (this.tensors.has(name)) this.released.add(name);
    const stillUsed = new Set<string>();
    for (const [name, tensor] of this.tensors) if (!this.released.has(name)) stillUsed.add(tensor.storageKey);
    for (const key of this.storages.keys()) if (!stillUsed.has(key)) this.storages.set(key, null);
  }
}

/** Row-major elements of a strided view: the storage slice itself when contiguous. */
function gather(storage: Uint8Array, tensor: StoredTensor): Uint8Array {
  const elementBytes = DTYPE_BYTES[tensor.dtype];
  const numel = numelOf(tensor.shape);
  if (isContiguous(tensor.shape, tensor.stride) || numel <= 1) {
    const begin = tensor.offset * elementBytes;
    return storage.subarray(begin, begin + numel * elementBytes);
  }
  const out = new Uint8Array(numel * elementBytes);
  const rank = tensor.shape.length;
  const index = new Array<number>(rank).fill(0);
  // Copy runs along the last dimension when it is unit-strided, else element by element.
  const run = tensor.stride[rank - 1] === 1 ? tensor.shape[rank - 1] : 1;
  const runBytes = run * elementBytes;
  for (let written = 0; written < out.length; written += runBytes) {
    let element = tensor.offset;
    for (let d = 0; d < rank; d++) element += index[d] * tensor.stride[d];
    out.set(storage.subarray(element * elementBytes, element * elementBytes + runBytes), written);
    for (let d = run === 1 ? rank - 1 : rank - 2; d >= 0; d--) {
      if (++index[d] < tensor.shape[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

function isContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && stride[d] !== expected) return false;
    expected *= shape[d];
  }
  return true;
}

// ----------------------------------------------------------------------------------------------------------------
// The two file layouts

function parseZipCheckpoint(bytes: Uint8Array, fileName: string): TorchCheckpoint {
  const archive = ZipArchive.open(bytes, fileName);
  const pickles = archive.names.filter((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (pickles.length === 0) {
    throw new WeightsError(`${fileName} is a zip archive but not a torch checkpoint (no <folder>/data.pkl in it)`, fileName);
  }
  if (pickles.length > 1) {
    throw new WeightsError(`${fileName} holds ${pickles.length} pickles (${pickles.join(', ')}); a checkpoint has one`, fileName);
  }
  const folder = pickles[0].slice(0, -'/data.pkl'.length);
  const byteorder = `${folder}/byteorder`;
  if (archive.has(byteorder)) {
    const order = new TextDecoder().decode(archive.read(byteorder, { checkCrc: true }));
    if (order !== 'little') {
      throw new WeightsError(`${fileName} stores ${order}-endian data; only little-endian checkpoints are supported`, fileName);
    }
  }
  const where = `${fileName}, ${pickles[0]}`;
  const pickle = archive.read(pickles[0], { checkCrc: true });
  const storages = new Map<string, Uint8Array>();
  const storageBytes = (record: StorageRecord): Uint8Array => {
    const entryName = `${folder}/data/${record.key}`;
    if (!archive.has(entryName)) throw new PickleRefusal(`storage "${record.key}" has no entry ${entryName} in the archive`);
    const needed = record.numel * DTYPE_BYTES[record.dtype];
    const size = archive.entry(entryName).size;
    if (size < needed) {
      throw new PickleRefusal(`storage "${record.key}" claims ${record.numel} ${record.dtype} elements (${needed} bytes) but ${entryName} has ${size}`);
    }
    return archive.read(entryName);
  };
  const hooks = torchHooks((record) => {
    if (!storages.has(record.key)) storages.set(record.key, storageBytes(record));
  });
  const { value } = unpickle(pickle, 0, hooks, where, fileName);
  return TorchCheckpoint.fromParts(fileName, 'zip', collectTensors(value, storages, where, fileName), storages);
}

function parseLegacyCheckpoint(bytes: Uint8Array, fileName: string): TorchCheckpoint {
  const plain = torchHooks(() => {
    throw new PickleRefusal('a storage outside the checkpoint pickle');
  });
  const where = (part: string) => `${fileName}, ${part}`;
  let at = 0;
  const next = (part: string, hooks: UnpickleHooks): PickleValue => {
    const result = unpickle(bytes, at, hooks, where(part), fileName);
    at = result.end;
    return result.value;
  };
  const magic = next('magic number', plain);
  if (magic !== LEGACY_MAGIC) {
    throw new WeightsError(`${fileName} starts with a pickle but is not a torch checkpoint (no torch magic number)`, fileName);
  }
  const protocol = next('protocol version', plain);
  if (protocol !== LEGACY_PROTOCOL) {
    throw new WeightsError(`${fileName}: legacy torch format version ${describe(protocol)} is not supported (only ${LEGACY_PROTOCOL})`, fileName);
  }
  const sysInfo = next('system info', plain);
  if (!(sysInfo instanceof PyDict) || sysInfo.entries.get('little_endian') !== true) {
    throw new WeightsError(`${fileName} was saved on a big-endian machine (or lacks its system info); not supported`, fileName);
  }
  const declared = new Map<string, StorageRecord>();
  const stateDict = next('data', torchHooks((record) => void declared.set(record.key, record)));
  const keys = next('storage keys', plain);
  if (!(keys instanceof PyList) || !keys.items.every((key) => typeof key === 'string')) {
    throw new WeightsError(`${fileName}: the list of storage keys is malformed`, fileName);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const storages = new Map<string, Uint8Array>();
  for (const key of keys.items as string[]) {
    const record = declared.get(key);
    if (!record) throw new WeightsError(`${fileName}: storage "${key}" is listed but no tensor uses it`, fileName);
    if (at + 8 > bytes.length) throw new WeightsError(`${fileName}: storage "${key}" is missing (truncated file?)`, fileName);
    const numel = view.getBigInt64(at, true);
    if (numel !== BigInt(record.numel)) {
      throw new WeightsError(`${fileName}: storage "${key}" holds ${numel} elements, its tensors say ${record.numel}`, fileName);
    }
    const length = record.numel * DTYPE_BYTES[record.dtype];
    if (at + 8 + length > bytes.length) {
      throw new WeightsError(`${fileName}: storage "${key}" (${length} bytes) reaches past the end of the file (truncated?)`, fileName);
    }
    storages.set(key, bytes.subarray(at + 8, at + 8 + length));
    at += 8 + length;
  }
  for (const key of declared.keys()) {
    if (!storages.has(key)) throw new WeightsError(`${fileName}: storage "${key}" is used but its bytes are missing`, fileName);
  }
  return TorchCheckpoint.fromParts(fileName, 'legacy', collectTensors(stateDict, storages, where('data'), fileName), storages);
}

// ----------------------------------------------------------------------------------------------------------------
// What the pickle may do

function torchHooks(onStorage: (record: StorageRecord) => void): UnpickleHooks {
  const byKey = new Map<string, StorageRecord>();
  return {
    resolveGlobal(module, name) {
      const qualified = `${module}.${name}`;
      if (!ALLOWED_GLOBALS.includes(qualified)) {
        throw new PickleRefusal(
          `refers to the Python global "${qualified}", which a state dict never needs ` +
            `(allowed: collections.OrderedDict, torch's tensor rebuild functions and storage types); ` +
            `refusing the file rather than running it`,
        );
      }
      return new PyGlobal(module, name);
    },
    reduce(callable, args) {
      if (!(callable instanceof PyGlobal)) {
        throw new PickleRefusal(`calls something that is not an allowed function (${describe(callable)})`);
      }
      switch (callable.qualifiedName) {
        case ORDERED_DICT:
          return orderedDict(args);
        case REBUILD_TENSOR:
          return rebuildTensor(args);
        case REBUILD_PARAMETER:
        case REBUILD_PARAMETER_WITH_STATE: {
          const [data] = args.items;
          if (!isTensor(data)) throw new PickleRefusal(`${callable.qualifiedName} is given ${describe(data)}, not a tensor`);
          return data;
        }
        default:
          throw new PickleRefusal(`calls ${callable.qualifiedName}, which may not be called (only torch's rebuild functions may)`);
      }
    },
    persistentLoad(pid) {
      const record = storageRecord(pid);
      const known = byKey.get(record.key);
      if (known) {
        if (known.numel * DTYPE_BYTES[known.dtype] !== record.numel * DTYPE_BYTES[record.dtype]) {
          throw new PickleRefusal(`storage "${record.key}" is declared twice with different sizes`);
        }
        if (known.dtype === record.dtype) return known;
      } else {
        byKey.set(record.key, record);
      }
      onStorage(record);
      return record;
    },
    build(target, state) {
      // OrderedDict._metadata (module versions) and tensor attributes carry nothing the model needs.
      if (target instanceof PyDict || isTensor(target)) return;
      throw new PickleRefusal(`sets the state of ${describe(target)}, which a state dict never does (state: ${describe(state)})`);
    },
  };
}

function orderedDict(args: PyTuple): PyDict {
  const dict = new PyDict();
  if (args.items.length === 0) return dict;
  const [pairs] = args.items;
  if (args.items.length !== 1 || !(pairs instanceof PyList)) {
    throw new PickleRefusal('builds an OrderedDict from something other than a list of pairs');
  }
  for (const pair of pairs.items) {
    if (!(pair instanceof PyTuple) || pair.items.length !== 2 || typeof pair.items[0] !== 'string') {
      throw new PickleRefusal('builds an OrderedDict from something other than (name, value) pairs');
    }
    dict.entries.set(pair.items[0], pair.items[1]);
  }
  return dict;
}

function storageRecord(pid: PickleValue): StorageRecord {
  if (!(pid instanceof PyTuple) || pid.items[0] !== 'storage' || (pid.items.length !== 5 && pid.items.length !== 6)) {
    throw new PickleRefusal(`has a persistent id that is not a torch storage (${describe(pid)})`);
  }
  const [, type, key, location, numel, viewMetadata] = pid.items;
  if (!(type instanceof PyGlobal) || !Object.hasOwn(STORAGE_DTYPES, type.name)) {
    throw new PickleRefusal(`has a storage of unknown type ${describe(type)}`);
  }
  if (typeof key !== 'string' || !/^[\w.-]{1,64}$/.test(key)) throw new PickleRefusal(`has a storage with a malformed key (${describe(key)})`);
  if (typeof location !== 'string') throw new PickleRefusal(`storage "${key}" has a malformed location`);
  if (!isCount(numel)) throw new PickleRefusal(`storage "${key}" claims ${describe(numel)} elements`);
  if (viewMetadata !== undefined && viewMetadata !== null) {
    throw new PickleRefusal(`storage "${key}" is a view of another storage (pre-1.0 torch); re-save the checkpoint with a current torch`);
  }
  return { kind: 'storage', key, dtype: STORAGE_DTYPES[type.name], numel };
}

function rebuildTensor(args: PyTuple): TensorRecord {
  const [storage, offset, size, stride] = args.items;
  if (args.items.length < 4 || !isStorage(storage)) {
    throw new PickleRefusal(`rebuilds a tensor without a storage (${describe(storage)})`);
  }
  const where = `a tensor in storage "${storage.key}"`;
  const shape = countTuple(size, `${where}: its shape`);
  const strides = countTuple(stride, `${where}: its stride`);
  if (!isCount(offset)) throw new PickleRefusal(`${where}: storage offset ${describe(offset)} is not a count`);
  if (shape.length !== strides.length) {
    throw new PickleRefusal(`${where}: shape ${formatShape(shape)} and stride ${formatShape(strides)} differ in rank`);
  }
  const numel = numelOf(shape);
  if (!Number.isSafeInteger(numel)) throw new PickleRefusal(`${where}: shape ${formatShape(shape)} is too large`);
  if (numel > Math.max(storage.numel, MAX_BROADCAST_ELEMENTS)) {
    throw new PickleRefusal(
      `${where}: shape ${formatShape(shape)} repeats the storage's ${storage.numel} elements into ${numel}, ` +
        `more than a checkpoint's broadcast buffer holds (at most ${MAX_BROADCAST_ELEMENTS})`,
    );
  }
  if (numel > 0) {
    // The last element the view touches must lie inside the storage.
    let last = offset;
    for (let d = 0; d < shape.length; d++) last += (shape[d] - 1) * strides[d];
    if (!Number.isSafeInteger(last) || last >= storage.numel) {
      throw new PickleRefusal(
        `${where}: shape ${formatShape(shape)}, stride ${formatShape(strides)} at offset ${offset} reach element ` +
          `${last}, past the storage's ${storage.numel} elements`,
      );
    }
  }
  return { kind: 'tensor', storage, offset, shape, stride: strides };
}

/** The state dict's tensors in order: the top-level dict, or the one dict of tensors inside it (`{"state_dict": …}`). */
function collectTensors(
  value: PickleValue,
  storages: ReadonlyMap<string, Uint8Array>,
  where: string,
  fileName: string,
): Map<string, StoredTensor> {
  if (!(value instanceof PyDict)) {
    throw new WeightsError(`${where}: the pickle holds ${describe(value)}, not a state dict (a dict of tensors)`, fileName);
  }
  let tensors = tensorEntries(value);
  if (tensors.length === 0) {
    const nested = [...value.entries.values()].filter((item): item is PyDict => item instanceof PyDict && tensorEntries(item).length > 0);
    if (nested.length === 1) tensors = tensorEntries(nested[0]);
  }
  if (tensors.length === 0) throw new WeightsError(`${where}: the state dict holds no tensors`, fileName);
  const result = new Map<string, StoredTensor>();
  for (const [name, tensor] of tensors) {
    if (!storages.has(tensor.storage.key)) {
      throw new WeightsError(`${where}: tensor "${name}" uses storage "${tensor.storage.key}", which is missing`, fileName, name);
    }
    result.set(name, {
      name,
      dtype: tensor.storage.dtype,
      shape: tensor.shape,
      stride: tensor.stride,
      offset: tensor.offset,
      storageKey: tensor.storage.key,
    });
  }
  return result;
}

function tensorEntries(dict: PyDict): [string, TensorRecord][] {
  const entries: [string, TensorRecord][] = [];
  for (const [key, item] of dict.entries) if (typeof key === 'string' && isTensor(item)) entries.push([key, item]);
  return entries;
}

function isTensor(value: PickleValue | undefined): value is TensorRecord {
  return typeof value === 'object' && value !== null && 'kind' in value && value.kind === 'tensor';
}

function isStorage(value: PickleValue | undefined): value is StorageRecord {
  return typeof value === 'object' && value !== null && 'kind' in value && value.kind === 'storage';
}

function isCount(value: PickleValue | undefined): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function countTuple(value: PickleValue | undefined, what: string): number[] {
  if (!(value instanceof PyTuple) || value.items.length > 64 || !value.items.every(isCount)) {
    throw new PickleRefusal(`${what} is not a tuple of counts (${describe(value)})`);
  }
  return value.items as number[];
}

/** A short description of a pickled value for messages (never its whole content). */
function describe(value: PickleValue | undefined): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'None';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  if (value instanceof PyTuple) return `a tuple of ${value.items.length}`;
  if (value instanceof PyList) return `a list of ${value.items.length}`;
  if (value instanceof PyDict) return `a dict of ${value.entries.size}`;
  if (value instanceof PyGlobal) return value.qualifiedName;
  return `a ${value.kind}`;
}
