import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WeightsError } from './errors';
import { float32ToF16Bits } from '../common/half';
import { PICKLE_LIMITS } from './pickle';
import { ALLOWED_GLOBALS, TorchCheckpoint } from './pytorch-bin';
import { SafetensorsFile } from './safetensors';
import {
  concat,
  float32Bytes,
  PickleBuilder,
  stateDictPickle,
  storedZip,
  torchZip,
  type CraftedTensor,
} from './testing/torch-files';

// Fixtures written by torch.save (scripts/reference/make_bin_fixtures.py, Debian's torch 1.13); each .bin has a
// safetensors twin written independently by scripts/reference/safetensors_io.py.
const HUB = 'test/fixtures/hub';
const read = (path: string) => new Uint8Array(readFileSync(path));
const twinOf = (path: string) => SafetensorsFile.parse(read(path), path);

function expectSameTensors(bin: TorchCheckpoint, twin: SafetensorsFile, names = twin.names) {
  for (const name of names) {
    const expected = twin.hostTensor(name);
    const actual = bin.hostTensor(name);
    expect(actual.shape, name).toEqual(expected.shape);
    expect([...actual.data], name).toEqual([...expected.data]);
  }
}

function refusal(bytes: Uint8Array): WeightsError {
  try {
    TorchCheckpoint.parse(bytes, 'crafted.bin');
  } catch (error) {
    expect(error).toBeInstanceOf(WeightsError);
    return error as WeightsError;
  }
  throw new Error('expected the file to be refused');
}

describe('TorchCheckpoint on files torch.save wrote', () => {
  const twin = twinOf(`${HUB}/files/dtypes.safetensors`);

  it.each(['dtypes.bin', 'dtypes.legacy.bin', 'dtypes.deflated.bin'])(
    '%s: every dtype, stride, offset and shared storage equals the twin',
    (file) => {
      const bin = TorchCheckpoint.parse(read(`${HUB}/files/${file}`), file);
      expect(bin.format).toBe(file.includes('legacy') ? 'legacy' : 'zip');
      expect(bin.names).toEqual(twin.names.slice().sort((a, b) => bin.names.indexOf(a) - bin.names.indexOf(b)));
      expect(new Set(bin.names)).toEqual(new Set(twin.names));
      expectSameTensors(bin, twin);
      expect(bin.entry('f16').dtype).toBe('F16');
      expect(bin.entry('bf16').dtype).toBe('BF16');
      expect(bin.entry('i64_position_ids')).toEqual({ name: 'i64_position_ids', dtype: 'I64', shape: [1, 7] });
      expect(bin.entry('bool_causal')).toEqual({ name: 'bool_causal', dtype: 'BOOL', shape: [1, 1, 4, 4] });
      expect(bin.entry('f32_scalar').shape).toEqual([]);
      expect(bin.entry('f32_empty').shape).toEqual([0, 3]);
      expect(bin.entry('parameter').dtype).toBe('F32'); // saved through torch._utils._rebuild_parameter
    },
  );

  it('reads a state dict nested in a training checkpoint ({"state_dict": …, "epoch": 3})', () => {
    const bin = TorchCheckpoint.parse(read(`${HUB}/files/nested.bin`), 'nested.bin');
    expect(bin.names.every((name) => name.startsWith('f32'))).toBe(true);
    expectSameTensors(bin, twin, bin.names);
  });

  it('GPT-2 .bin: every tensor equals the safetensors checkpoint, the tied head shares wte storage, buffers read', () => {
    const bin = TorchCheckpoint.parse(read(`${HUB}/hub-test/tiny-gpt2-bin/pytorch_model.bin`));
    const safetensors = twinOf('test/fixtures/models/tiny-gpt2/model.safetensors');
    expectSameTensors(bin, safetensors);
    expect([...bin.hostTensor('lm_head.weight').data]).toEqual([...safetensors.hostTensor('transformer.wte.weight').data]);
    const causal = bin.hostTensor('transformer.h.1.attn.bias');
    expect(bin.entry('transformer.h.1.attn.bias')).toMatchObject({ dtype: 'BOOL', shape: [1, 1, 64, 64] });
    expect([causal.data[0], causal.data[1], causal.data[64], causal.data[65]]).toEqual([1, 0, 1, 1]); // tril
    expect([...bin.hostTensor('transformer.h.0.attn.masked_bias').data]).toEqual([-1e4]);
    // Releasing wte alone keeps the storage (lm_head views it); releasing both drops it.
    const held = bin.heldBytes;
    bin.release(['transformer.wte.weight']);
    expect(bin.heldBytes).toBe(held);
    expect(() => bin.hostTensor('transformer.wte.weight')).toThrow(/"transformer\.wte\.weight" was released/);
    expect(bin.hostTensor('lm_head.weight').data.length).toBe(1000 * 32);
    bin.release(['lm_head.weight']);
    expect(bin.heldBytes).toBe(held - 1000 * 32 * 4);
    bin.release();
    expect(bin.heldBytes).toBe(0);
  });

  it('f16 BERT .bin: half weights are torch\'s rounding of tiny-bert, int64 buffers and the tied decoder read', () => {
    const bin = TorchCheckpoint.parse(read(`${HUB}/hub-test/tiny-bert-bin-f16/pytorch_model.bin`));
    const f32 = twinOf('test/fixtures/models/tiny-bert/model.safetensors');
    for (const name of f32.names) {
      expect(bin.entry(name).dtype, name).toBe('F16');
      const bits = bin.rawBytes(name);
      expect([...new Uint16Array(bits.slice().buffer)], name).toEqual([...float32ToF16Bits(f32.float32(name))]);
    }
    expect(bin.entry('bert.embeddings.position_ids')).toMatchObject({ dtype: 'I64', shape: [1, 64] });
    expect([...bin.hostTensor('bert.embeddings.position_ids').data]).toEqual([...Array(64).keys()]);
    expect([...bin.hostTensor('cls.predictions.decoder.weight').data]).toEqual([
      ...bin.hostTensor('bert.embeddings.word_embeddings.weight').data,
    ]);
  });

  it('converts nothing at parse time: contiguous F32 tensors are views into the file', () => {
    const bytes = read(`${HUB}/hub-test/tiny-gpt2-bin/pytorch_model.bin`);
    const bin = TorchCheckpoint.parse(bytes);
    expect(bin.hostTensor('transformer.wpe.weight').data.buffer).toBe(bytes.buffer);
  });
});

describe('TorchCheckpoint refuses crafted and broken files with a WeightsError', () => {
  const weight: CraftedTensor = { name: 'w', key: '0', numel: 4, shape: [2, 2] };
  const valid = torchZip(stateDictPickle([weight]), { '0': float32Bytes([1, 2, 3, 4]) });

  it('accepts the crafted baseline, and the same archive with zip64 directory records', () => {
    expect([...TorchCheckpoint.parse(valid).hostTensor('w').data]).toEqual([1, 2, 3, 4]);
    const zip64 = torchZip(stateDictPickle([weight]), { '0': float32Bytes([1, 2, 3, 4]) }, 'archive', { zip64: true });
    expect([...TorchCheckpoint.parse(zip64).hostTensor('w').data]).toEqual([1, 2, 3, 4]);
    const lostLocator = zip64.slice();
    lostLocator[zip64.length - 22 - 20] ^= 0xff; // the zip64 locator's signature
    expect(refusal(lostLocator).message).toContain('the zip64 locator is missing');
  });

  it.each([
    ['os', 'system'],
    ['builtins', 'eval'],
    ['torch', 'load'],
    ['__builtin__', 'exec'],
    ['torch._utils', '_rebuild_qtensor'],
  ])('refuses the global %s.%s before anything runs', (module, name) => {
    const pickle = new PickleBuilder().proto().global(module, name).str('echo pwned').tuple(1).reduce().stop().bytes();
    const error = refusal(torchZip(pickle, {}));
    expect(error.message).toContain(`refers to the Python global "${module}.${name}"`);
    expect(error.message).toMatch(/^crafted\.bin, archive\/data\.pkl: byte 2: /);
    expect(error.file).toBe('crafted.bin');
  });

  it('refuses REDUCE of an allowed global that is not a function, and of non-globals', () => {
    const storageCall = new PickleBuilder().proto().global('torch', 'FloatStorage').tuple(0).reduce().stop().bytes();
    expect(refusal(torchZip(storageCall, {})).message).toContain('calls torch.FloatStorage, which may not be called');
    const stringCall = new PickleBuilder().proto().str('os.system').tuple(0).reduce().stop().bytes();
    expect(refusal(torchZip(stringCall, {})).message).toContain('calls something that is not an allowed function ("os.system")');
  });

  it('refuses opcodes that instantiate classes (NEWOBJ, INST, OBJ) or protocol-0 text forms', () => {
    for (const opcode of [0x81, 0x69, 0x6f, 0x92, 0x49]) {
      const pickle = new PickleBuilder().proto().op(opcode).stop().bytes();
      expect(refusal(torchZip(pickle, {})).message).toContain(`opcode 0x${opcode.toString(16)} is not one torch checkpoints use`);
    }
  });

  it('refuses storages that claim more elements than their entry holds, and views past their storage', () => {
    const huge = torchZip(stateDictPickle([{ ...weight, numel: 1e15, shape: [1e15] }]), { '0': float32Bytes([1, 2, 3, 4]) });
    expect(refusal(huge).message).toContain('storage "0" claims 1000000000000000 F32 elements');
    const past = torchZip(stateDictPickle([{ ...weight, offset: 2 }]), { '0': float32Bytes([1, 2, 3, 4]) });
    expect(refusal(past).message).toContain('reach element 5, past the storage\'s 4 elements');
    const strided = torchZip(stateDictPickle([{ ...weight, stride: [4, 1] }]), { '0': float32Bytes([1, 2, 3, 4]) });
    expect(refusal(strided).message).toContain('stride [4, 1]');
    const broadcast = torchZip(stateDictPickle([{ ...weight, shape: [2 ** 31 - 1, 4], stride: [0, 1] }]), { '0': float32Bytes([1, 2, 3, 4]) });
    expect(refusal(broadcast).message).toContain('repeats the storage\'s 4 elements into 8589934588, more than a checkpoint\'s broadcast buffer holds');
    const missing = torchZip(stateDictPickle([weight]), {});
    expect(refusal(missing).message).toContain('storage "0" has no entry archive/data/0');
    const wrongType = torchZip(stateDictPickle([{ ...weight, storage: 'ComplexFloatStorage' }]), {});
    expect(refusal(wrongType).message).toContain('"torch.ComplexFloatStorage"');
  });

  it('bounds nesting, the stack and the memo', () => {
    const marks = new PickleBuilder().proto();
    for (let i = 0; i <= PICKLE_LIMITS.markDepth; i++) marks.mark();
    expect(refusal(torchZip(marks.stop().bytes(), {})).message).toContain(`more than ${PICKLE_LIMITS.markDepth} nested marks`);
    const stack = new PickleBuilder().proto();
    for (let i = 0; i <= PICKLE_LIMITS.stackItems; i++) stack.op(0x4e);
    expect(refusal(torchZip(stack.stop().bytes(), {})).message).toContain(`more than ${PICKLE_LIMITS.stackItems} stack items`);
    const memo = new PickleBuilder().proto().op(0x4e);
    for (let i = 0; i <= PICKLE_LIMITS.memoEntries; i++) memo.op(0x94);
    expect(refusal(torchZip(memo.stop().bytes(), {})).message).toContain(`more than ${PICKLE_LIMITS.memoEntries} memo entries`);
    const longString = new PickleBuilder().proto().op(0x58, 0xff, 0xff, 0xff, 0x7f).stop().bytes();
    expect(refusal(torchZip(longString, {})).message).toContain('needs 2147483647 more bytes but only');
    const longInteger = new PickleBuilder().proto().op(0x8b, 0, 0, 1, 0).stop().bytes();
    expect(refusal(torchZip(longInteger, {})).message).toContain('an integer of 65536 bytes');
  });

  it('refuses a pickle that is not a state dict, or holds no tensors', () => {
    const list = new PickleBuilder().proto().op(0x5d).stop().bytes();
    expect(refusal(torchZip(list, {})).message).toContain('the pickle holds a list of 0, not a state dict');
    const empty = new PickleBuilder().proto().op(0x7d).stop().bytes();
    expect(refusal(torchZip(empty, {})).message).toContain('the state dict holds no tensors');
  });

  it('names the place of a truncated pickle and a corrupt one', () => {
    const pickle = stateDictPickle([weight]);
    const cut = refusal(torchZip(pickle.subarray(0, 60), { '0': float32Bytes([1, 2, 3, 4]) }));
    expect(cut.message).toMatch(/^crafted\.bin, archive\/data\.pkl: byte \d+: .*\(truncated\?\)/);
    const cutInString = refusal(torchZip(pickle.subarray(0, 30), {}));
    expect(cutInString.message).toMatch(/^crafted\.bin, archive\/data\.pkl: byte \d+: needs \d+ more bytes but only \d+ are left \(truncated\?\)$/);
    const flipped = valid.slice();
    flipped[valid.indexOf(0x52, 64)] ^= 0xff; // damage the pickle inside the archive: the CRC notices
    expect(refusal(flipped).message).toContain('fails its CRC-32 check');
  });

  it('refuses truncated and malformed archives at every cut', () => {
    const messages = new Set<string>();
    for (let length = 0; length < valid.length; length += 7) {
      const error = refusal(valid.subarray(0, length));
      messages.add(error.message.replace(/\d+/g, 'N'));
    }
    expect([...messages].every((message) => message.startsWith('crafted.bin'))).toBe(true);
    expect([...messages].some((message) => message.includes('no end-of-central-directory record'))).toBe(true);
  });

  it('refuses a zip without data.pkl, two pickles, an encrypted entry, and a non-checkpoint file', () => {
    const plainZip = storedZip([{ name: 'readme.txt', data: new TextEncoder().encode('hello') }]);
    expect(refusal(plainZip).message).toBe('crafted.bin is a zip archive but not a torch checkpoint (no <folder>/data.pkl in it)');
    const two = storedZip([
      { name: 'a/data.pkl', data: stateDictPickle([]) },
      { name: 'b/data.pkl', data: stateDictPickle([]) },
    ]);
    expect(refusal(two).message).toContain('holds 2 pickles');
    const encrypted = valid.slice();
    const central = findLast(encrypted, [0x50, 0x4b, 0x01, 0x02]);
    encrypted[central + 8] |= 1;
    expect(refusal(encrypted).message).toContain('is encrypted');
    expect(refusal(new TextEncoder().encode('<!doctype html><html></html>')).message).toBe(
      'crafted.bin is not a PyTorch checkpoint: it is neither a zip archive (torch >= 1.6) nor a pickle (older torch)',
    );
    const tar = new Uint8Array(600);
    tar.set(new TextEncoder().encode('ustar'), 257);
    expect(refusal(tar).message).toContain('tar-format torch checkpoint');
    const bareNotTorch = concat([new PickleBuilder().proto().int(5).stop().bytes()]);
    expect(refusal(bareNotTorch).message).toContain('is not a torch checkpoint (no torch magic number)');
  });

  it('only names torch rebuild functions, storage types and OrderedDict as allowed', () => {
    expect(ALLOWED_GLOBALS.every((name) => name === 'collections.OrderedDict' || name.startsWith('torch.'))).toBe(true);
    expect(ALLOWED_GLOBALS).not.toContain('torch.load');
  });
});

function findLast(bytes: Uint8Array, pattern: number[]): number {
  for (let i = bytes.length - pattern.length; i >= 0; i--) {
    if (pattern.every((byte, j) => bytes[i + j] === byte)) return i;
  }
  throw new Error('pattern not found');
}
