// Fuzz categories: checkpoint files (safetensors, torch .bin in the zip and legacy formats, shard indexes); the app's
// other inputs (config.json, datasets, attention JSON) are in appInputs.ts. Inputs are mutations of valid files
// (committed fixtures and files built here) plus crafted ones.

import { readFileSync } from 'node:fs';
import { WeightsError } from '../../src/weights/errors';
import { TorchCheckpoint } from '../../src/weights/pytorch-bin';
import { SafetensorsFile } from '../../src/weights/safetensors';
import { writeSafetensors } from '../../src/weights/safetensors-writer';
import { parseShardIndex, SAFETENSORS_INDEX, ShardedTensorSource } from '../../src/weights/shards';
import { parseJsonFile } from '../../src/weights/sources';
import type { TensorSource } from '../../src/weights/tensor-source';
import {
  concat,
  float32Bytes,
  PickleBuilder,
  stateDictPickle,
  torchZip,
  type CraftedTensor,
} from '../../src/weights/testing/torch-files';
import { pick, randomInt, type Category, type Rng } from './harness';

const read = (path: string) => new Uint8Array(readFileSync(path));
const HUB = 'test/fixtures/hub';

/** Reads every tensor, as a loader would after parsing: lazy conversion must fail cleanly too. */
function readAll(source: TensorSource): void {
  for (const name of source.names) {
    source.entry(name);
    source.hostTensor(name);
  }
}

const isWeightsError = (error: unknown) => error instanceof WeightsError && typeof error.file === 'string' && error.file !== '';

// ----------------------------------------------------------------------------------------------------------------
// Byte-level mutations

const EXTREMES = [0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0xffff, 0x7fffffff, 0xffffffff];

function mutateBytes(rng: Rng, original: Uint8Array, focus?: [number, number]): Uint8Array {
  const [from, to] = focus ?? [0, original.length];
  const at = () => from + randomInt(rng, Math.max(1, to - from));
  switch (randomInt(rng, 7)) {
    case 0: {
      const bytes = original.slice();
      for (let i = 1 + randomInt(rng, 8); i > 0; i--) bytes[at()] ^= 1 << randomInt(rng, 8);
      return bytes;
    }
    case 1:
      return original.subarray(0, randomInt(rng, original.length));
    case 2: {
      const bytes = original.slice();
      for (let i = 1 + randomInt(rng, 4); i > 0; i--) bytes[at()] = randomInt(rng, 256);
      return bytes;
    }
    case 3: {
      // An integer field somewhere set to an extreme (sizes, offsets, counts).
      const bytes = original.slice();
      const offset = Math.min(at(), Math.max(0, bytes.length - 4));
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
      if (bytes.length >= 4) view.setUint32(offset, pick(rng, EXTREMES), true);
      return bytes;
    }
    case 4: {
      const cut = at();
      return concat([original.subarray(0, cut), original.subarray(Math.min(original.length, cut + 1 + randomInt(rng, 64)))]);
    }
    case 5: {
      const cut = at();
      const junk = Uint8Array.from({ length: 1 + randomInt(rng, 32) }, () => randomInt(rng, 256));
      return concat([original.subarray(0, cut), junk, original.subarray(cut)]);
    }
    default: {
      const start = at();
      const chunk = original.subarray(start, start + randomInt(rng, 256));
      return concat([original, chunk]);
    }
  }
}

// ----------------------------------------------------------------------------------------------------------------
// safetensors

const smallSafetensors = [
  writeSafetensors(
    [
      { name: 'w', shape: [3, 4], data: new Float32Array(12).map((_, i) => i - 5) },
      { name: 'h', shape: [5], data: new Float32Array([1, -2, 0.5, 65504, 1e-8]), dtype: 'F16' },
      { name: 'b', shape: [2, 1], data: new Float32Array([3, -1e30]), dtype: 'BF16' },
      { name: 's', shape: [], data: new Float32Array([7]) },
      { name: 'e', shape: [0, 4], data: new Float32Array(0) },
    ],
    { format: 'pt' },
  ),
  read(`${HUB}/files/dtypes.safetensors`),
];
const bigSafetensors = read(`${HUB}/hub-test/tiny-bert-sharded/model-00002-of-00002.safetensors`);

const WEIRD_VALUES: unknown[] = [
  null, true, -1, 1.5, 1e300, 2 ** 53, 2 ** 64, -0, '', 'x', 'constructor', '__proto__', 'toString', 'F64', 'BOOL', 'I64',
  [], [0], [-1], [1.5], [2 ** 40, 2 ** 40], ['1'], [[1]], {}, { a: 1 }, Array(70).fill(1),
];

function mutateHeader(rng: Rng, file: Uint8Array): Uint8Array {
  const length = Number(new DataView(file.buffer, file.byteOffset, 8).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(file.subarray(8, 8 + length))) as Record<string, Record<string, unknown>>;
  const names = Object.keys(header).filter((name) => name !== '__metadata__');
  const name = pick(rng, names);
  switch (randomInt(rng, 8)) {
    case 0:
      header[name].dtype = pick(rng, WEIRD_VALUES);
      break;
    case 1:
      header[name].shape = pick(rng, WEIRD_VALUES);
      break;
    case 2:
      header[name].data_offsets = pick(rng, [...WEIRD_VALUES, [0, 2 ** 53], [8, 4], [0, length * 1000]]);
      break;
    case 3:
      delete header[name][pick(rng, ['dtype', 'shape', 'data_offsets'])];
      break;
    case 4:
      header.__metadata__ = pick(rng, WEIRD_VALUES) as Record<string, unknown>;
      break;
    case 5:
      for (let i = randomInt(rng, 3000); i > 0; i--) header[`extra.${i}`] = { dtype: 'F32', shape: [0], data_offsets: [0, 0] };
      break;
    case 6:
      header[pick(rng, ['', '__proto__', 'constructor', 'a'.repeat(10_000), '\u0000', '🙂'])] = header[name];
      break;
    default:
      header[name] = pick(rng, WEIRD_VALUES) as Record<string, unknown>;
  }
  let json = JSON.stringify(header);
  if (rng() < 0.05) json = `${'['.repeat(200_000)}${']'.repeat(200_000)}`; // deep nesting
  const body = new TextEncoder().encode(json);
  const out = new Uint8Array(8 + body.length + (file.length - 8 - length));
  new DataView(out.buffer).setBigUint64(0, BigInt(body.length), true);
  out.set(body, 8);
  out.set(file.subarray(8 + length), 8 + body.length);
  return out;
}

export const safetensorsCategory: Category = {
  name: 'safetensors',
  generate(rng) {
    const seed = rng() < 0.1 ? bigSafetensors : pick(rng, smallSafetensors);
    const headerEnd = 8 + Number(new DataView(seed.buffer, seed.byteOffset, 8).getBigUint64(0, true));
    const strategy = randomInt(rng, 4);
    if (strategy === 0) return mutateHeader(rng, seed);
    if (strategy === 1) return mutateBytes(rng, seed, [0, headerEnd]);
    if (strategy === 2) {
      const bytes = seed.slice();
      new DataView(bytes.buffer).setBigUint64(0, BigInt(Math.floor(rng() * 2 ** 40)) * BigInt(randomInt(rng, 3)), true);
      return bytes;
    }
    return mutateBytes(rng, seed);
  },
  run(bytes) {
    readAll(SafetensorsFile.parse(bytes, 'fuzz.safetensors'));
  },
  isNamedError: isWeightsError,
};

// ----------------------------------------------------------------------------------------------------------------
// torch .bin (zip + pickle, and the legacy format)

const binSeeds = [
  read(`${HUB}/files/dtypes.bin`),
  read(`${HUB}/files/nested.bin`),
  read(`${HUB}/files/dtypes.deflated.bin`),
  torchZip(stateDictPickle([{ name: 'w', key: '0', numel: 4, shape: [2, 2] }]), { '0': float32Bytes([1, 2, 3, 4]) }),
  torchZip(stateDictPickle([{ name: 'w', key: '0', numel: 4, shape: [2, 2] }]), { '0': float32Bytes([1, 2, 3, 4]) }, 'archive', { zip64: true }),
];
const bigBin = read(`${HUB}/hub-test/tiny-gpt2-sharded-bin/pytorch_model-00002-of-00002.bin`);
const legacySeed = read(`${HUB}/files/dtypes.legacy.bin`);

const GLOBALS: [string, string][] = [
  ['os', 'system'], ['builtins', 'eval'], ['builtins', 'exec'], ['builtins', 'getattr'], ['subprocess', 'Popen'],
  ['posix', 'system'], ['torch', 'load'], ['numpy.core.multiarray', '_reconstruct'], ['__builtin__', 'open'],
  ['collections', 'OrderedDict'], ['torch._utils', '_rebuild_tensor_v2'], ['torch._utils', '_rebuild_parameter'],
  ['torch', 'FloatStorage'], ['torch', 'HalfStorage'], ['torch', 'LongStorage'], ['torch', 'BoolStorage'],
  ['torch', 'ComplexFloatStorage'], ['torch._utils', '_rebuild_qtensor'], ['', ''], ['a'.repeat(600), 'b'],
];

/** A random opcode program: plain values, containers, globals, calls and persistent ids, in any order. */
function randomPickle(rng: Rng): Uint8Array {
  const p = new PickleBuilder().proto(pick(rng, [2, 2, 4, 5, 9]));
  for (let i = randomInt(rng, 120); i > 0; i--) {
    switch (randomInt(rng, 16)) {
      case 0: {
        const [module, name] = pick(rng, GLOBALS);
        p.global(module, name);
        break;
      }
      case 1:
        p.str(pick(rng, ['storage', 'cpu', '0', 'w', 'a'.repeat(randomInt(rng, 100))]));
        break;
      case 2:
        p.int(pick(rng, [0, 1, -1, 255, 65535, 2 ** 31 - 1, -(2 ** 31), 2 ** 40, 1e15]));
        break;
      case 3:
        p.mark();
        break;
      case 4:
        p.op(0x74); // TUPLE
        break;
      case 5:
        p.tuple(randomInt(rng, 4));
        break;
      case 6:
        p.reduce();
        break;
      case 7:
        p.op(0x51); // BINPERSID
        break;
      case 8:
        p.op(pick(rng, [0x7d, 0x5d, 0x73, 0x75, 0x61, 0x65, 0x62, 0x64, 0x6c])); // dicts, lists, BUILD
        break;
      case 9:
        p.put(randomInt(rng, 256));
        break;
      case 10:
        p.get(randomInt(rng, 256));
        break;
      case 11:
        p.op(pick(rng, [0x30, 0x31, 0x32, 0x4e, 0x88, 0x89, 0x94])); // POP, POP_MARK, DUP, NONE, TRUE, FALSE, MEMOIZE
        break;
      case 12:
        p.op(pick(rng, [0x58, 0x8b, 0x42, 0x8d]), ...[0xff, 0xff, 0xff, pick(rng, [0x00, 0x7f, 0xff])]); // huge lengths
        break;
      case 13:
        p.op(randomInt(rng, 256)); // any opcode at all
        break;
      case 14:
        p.op(0x93); // STACK_GLOBAL
        break;
      default:
        p.op(0x47, ...Array.from({ length: 8 }, () => randomInt(rng, 256))); // BINFLOAT
    }
  }
  return p.stop().bytes();
}

/** A state dict whose tensors claim random sizes, offsets, strides and storages. */
function craftedStateDict(rng: Rng): Uint8Array {
  const tensors: CraftedTensor[] = [];
  const storages: Record<string, Uint8Array> = {};
  for (let i = 1 + randomInt(rng, 4); i > 0; i--) {
    const key = pick(rng, ['0', '1', '2', '../x', '']);
    const rank = randomInt(rng, 5);
    const shape = Array.from({ length: rank }, () => pick(rng, [0, 1, 2, 3, 7, 2 ** 31 - 1, 2 ** 40]));
    const stride = rng() < 0.5 ? undefined : Array.from({ length: rank + randomInt(rng, 2) }, () => pick(rng, [0, 1, 2, 5, 2 ** 31 - 1]));
    tensors.push({
      name: pick(rng, ['w', 'b', 'x.weight', '']),
      storage: pick(rng, ['FloatStorage', 'HalfStorage', 'LongStorage', 'BoolStorage', 'BFloat16Storage', 'IntStorage']),
      key,
      numel: pick(rng, [0, 1, 4, 16, 2 ** 40]),
      offset: pick(rng, [0, 0, 1, 3, 2 ** 31 - 1]),
      shape,
      stride,
    });
    if (rng() < 0.8) storages[key] = new Uint8Array(pick(rng, [0, 4, 16, 64, 128]));
  }
  return torchZip(stateDictPickle(tensors), storages, pick(rng, ['archive', 'pytorch_model', 'a/b']));
}

export const torchZipCategory: Category = {
  name: '.bin (zip + pickle)',
  generate(rng) {
    const strategy = randomInt(rng, 6);
    if (strategy === 0) return torchZip(randomPickle(rng), { '0': new Uint8Array(16) });
    if (strategy === 1) return craftedStateDict(rng);
    if (strategy === 2) {
      const deep = new PickleBuilder().proto();
      const depth = randomInt(rng, 150_000);
      for (let i = 0; i < depth; i++) rng() < 0.5 ? deep.mark() : deep.op(0x5d);
      return torchZip(deep.stop().bytes(), {});
    }
    const seed = rng() < 0.1 ? bigBin : pick(rng, binSeeds);
    // The pickle sits at the start of torch's archives; the central directory at the end.
    const focus: [number, number] | undefined = pick(rng, [[0, 800], [Math.max(0, seed.length - 400), seed.length], undefined]);
    return mutateBytes(rng, seed, focus);
  },
  run(bytes) {
    readAll(TorchCheckpoint.parse(bytes, 'fuzz.bin'));
  },
  isNamedError: isWeightsError,
};

export const legacyTorchCategory: Category = {
  name: '.bin (legacy)',
  generate(rng) {
    if (rng() < 0.2) return concat([legacySeed.subarray(0, randomInt(rng, 40)), randomPickle(rng)]);
    return mutateBytes(rng, legacySeed, rng() < 0.6 ? [0, 1200] : undefined);
  },
  run(bytes) {
    readAll(TorchCheckpoint.parse(bytes, 'fuzz.legacy.bin'));
  },
  isNamedError: isWeightsError,
};

// ----------------------------------------------------------------------------------------------------------------
// Shard indexes (JSON text, as the loader reads them)

const indexSeed = readFileSync(`${HUB}/hub-test/tiny-bert-sharded/model.safetensors.index.json`, 'utf8');
const shardSeeds = new Map(
  ['model-00001-of-00002.safetensors', 'model-00002-of-00002.safetensors'].map((shard) => [
    shard,
    read(`${HUB}/hub-test/tiny-bert-sharded/${shard}`),
  ]),
);

function mutateIndexJson(rng: Rng): string {
  const index = JSON.parse(indexSeed) as { weight_map: Record<string, unknown>; metadata?: unknown };
  const names = Object.keys(index.weight_map);
  switch (randomInt(rng, 7)) {
    case 0:
      index.weight_map[pick(rng, names)] = pick(rng, [...WEIRD_VALUES, '../../etc/passwd', 'model.bin', 'other.safetensors', '/abs.safetensors']);
      break;
    case 1:
      index.metadata = pick(rng, WEIRD_VALUES);
      break;
    case 2:
      delete index.weight_map[pick(rng, names)];
      index.weight_map[`missing.${randomInt(rng, 9)}`] = 'model-00001-of-00002.safetensors';
      break;
    case 3:
      (index as Record<string, unknown>).weight_map = pick(rng, WEIRD_VALUES);
      break;
    case 4:
      for (let i = randomInt(rng, 20_000); i > 0; i--) index.weight_map[`t${i}`] = `shard-${i % 3000}.safetensors`;
      break;
    case 5:
      return new TextDecoder().decode(mutateBytes(rng, new TextEncoder().encode(indexSeed)));
    default:
      return pick(rng, ['', 'null', '[]', '"x"', '{', '<!doctype html>', '{"weight_map": {"a": "b.safetensors"}}']);
  }
  return JSON.stringify(index);
}

export const shardIndexCategory: Category<string> = {
  name: 'shard index',
  generate: mutateIndexJson,
  run(text) {
    const json = parseJsonFile(new TextEncoder().encode(text), SAFETENSORS_INDEX, 'fuzz');
    const index = parseShardIndex(json, SAFETENSORS_INDEX);
    const shards = new Map<string, TensorSource>();
    for (const shard of index.shards) {
      const bytes = shardSeeds.get(shard);
      if (bytes) shards.set(shard, SafetensorsFile.parse(bytes, shard));
    }
    readAll(new ShardedTensorSource(index, shards));
  },
  isNamedError: isWeightsError,
};

export const ALL_CATEGORIES: { category: Category<unknown>; share: number }[] = [
  { category: safetensorsCategory as Category<unknown>, share: 0.3 },
  { category: torchZipCategory as Category<unknown>, share: 0.35 },
  { category: legacyTorchCategory as Category<unknown>, share: 0.15 },
  { category: shardIndexCategory as Category<unknown>, share: 0.2 },
];
