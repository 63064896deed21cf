// A pickle reader that executes nothing. Python's pickle is a small stack machine whose GLOBAL, REDUCE, BUILD and
// persistent-id opcodes import and call arbitrary Python; here each of those goes to a hook the caller supplies
// (the torch checkpoint reader allows its few rebuild functions and refuses the rest), and every other opcode only
// builds plain values. Only the binary opcodes that torch.save (protocol 2) and later protocols emit are read.
// Every length is checked against the bytes left, and the stack, mark and memo sizes are bounded, so a crafted
// file ends in a WeightsError, never in an exception of the runtime, a hang or a huge allocation.

import { WeightsError } from './errors';

export class PyTuple {
  constructor(readonly items: readonly PickleValue[]) {}
}

export class PyList {
  constructor(readonly items: PickleValue[] = []) {}
}

export type DictKey = string | number | boolean | null;

export class PyDict {
  readonly entries = new Map<DictKey, PickleValue>();
}

/** A module-level name the pickle refers to (`module.name`), handed out only by the caller's `resolveGlobal`. */
export class PyGlobal {
  constructor(
    readonly module: string,
    readonly name: string,
  ) {}

  get qualifiedName(): string {
    return `${this.module}.${this.name}`;
  }
}

/** Values the machine builds itself, plus whatever the hooks return (tensors, storages). */
export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PyTuple
  | PyList
  | PyDict
  | PyGlobal
  | { readonly kind: string };

export interface UnpickleHooks {
  /** GLOBAL / STACK_GLOBAL: the allowed global, or a thrown refusal. */
  resolveGlobal(module: string, name: string): PyGlobal;
  /** REDUCE: `callable(*args)` for an allowed callable, or a thrown refusal. */
  reduce(callable: PickleValue, args: PyTuple): PickleValue;
  /** BINPERSID: what the persistent id stands for (torch: a storage). */
  persistentLoad(pid: PickleValue): PickleValue;
  /** BUILD: `target.__setstate__(state)`; may ignore the state or refuse. */
  build(target: PickleValue, state: PickleValue): void;
}

export const PICKLE_LIMITS = {
  stackItems: 1_000_000,
  markDepth: 100_000,
  memoEntries: 1_000_000,
  integerBytes: 256,
  lineBytes: 512,
} as const;

const MARK = Symbol('mark');
type Slot = PickleValue | typeof MARK;

/** Thrown by a hook to refuse what the pickle asks for; reported with the pickle and byte position. */
export class PickleRefusal extends Error {}

/** An error at a place in a pickle: `<where>: byte <n>: <problem>`. */
export function pickleError(where: string, fileName: string, position: number, problem: string): WeightsError {
  return new WeightsError(`${where}: byte ${position}: ${problem}`, fileName);
}

/**
 * Runs one pickle starting at `start` up to its STOP opcode. `where` names it in messages ("pytorch_model.bin,
 * archive/data.pkl"); `fileName` is the file the errors are about.
 */
export function unpickle(
  bytes: Uint8Array,
  start: number,
  hooks: UnpickleHooks,
  where: string,
  fileName: string,
): { value: PickleValue; end: number } {
  return new Machine(bytes, start, hooks, where, fileName).run();
}

class Machine {
  private position: number;
  private opcodeAt = 0;
  private stack: Slot[] = [];
  private readonly memo = new Map<number, PickleValue>();
  private markCount = 0;
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    start: number,
    private readonly hooks: UnpickleHooks,
    private readonly where: string,
    private readonly fileName: string,
  ) {
    this.position = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  }

  private fail(problem: string): never {
    throw pickleError(this.where, this.fileName, this.opcodeAt, problem);
  }

  run(): { value: PickleValue; end: number } {
    for (;;) {
      this.opcodeAt = this.position;
      const opcode = this.u8();
      if (opcode === 0x2e) {
        // STOP
        const value = this.pop();
        return { value, end: this.position };
      }
      try {
        this.step(opcode);
      } catch (error) {
        if (error instanceof PickleRefusal) this.fail(error.message);
        throw error;
      }
    }
  }

  private step(opcode: number): void {
    switch (opcode) {
      case 0x80: // PROTO
        if (this.u8() > 5) this.fail('pickle protocol above 5');
        return;
      case 0x95: // FRAME: an 8-byte length hint, nothing to do
        this.take(8);
        return;
      case 0x28: // MARK
        if (++this.markCount > PICKLE_LIMITS.markDepth) this.fail(`more than ${PICKLE_LIMITS.markDepth} nested marks`);
        this.push(MARK);
        return;
      case 0x30: // POP
        this.popSlot();
        return;
      case 0x31: // POP_MARK
        this.popMark();
        return;
      case 0x32: // DUP
        this.push(this.peek());
        return;
      case 0x4e: // NONE
        return this.push(null);
      case 0x88: // NEWTRUE
        return this.push(true);
      case 0x89: // NEWFALSE
        return this.push(false);
      case 0x4b: // BININT1
        return this.push(this.u8());
      case 0x4d: // BININT2
        return this.push(this.view.getUint16(this.take(2), true));
      case 0x4a: // BININT
        return this.push(this.view.getInt32(this.take(4), true));
      case 0x8a: // LONG1
        return this.push(this.long(this.u8()));
      case 0x8b: // LONG4
        return this.push(this.long(this.u32()));
      case 0x47: // BINFLOAT (big-endian double)
        return this.push(this.view.getFloat64(this.take(8), false));
      case 0x58: // BINUNICODE
        return this.push(this.text(this.u32()));
      case 0x8c: // SHORT_BINUNICODE
        return this.push(this.text(this.u8()));
      case 0x8d: // BINUNICODE8
        return this.push(this.text(this.u64()));
      case 0x54: // BINSTRING (Python 2 str)
        return this.push(this.latin1(this.view.getInt32(this.take(4), true)));
      case 0x55: // SHORT_BINSTRING
        return this.push(this.latin1(this.u8()));
      case 0x42: // BINBYTES
        return this.push(this.rawBytes(this.u32()));
      case 0x43: // SHORT_BINBYTES
        return this.push(this.rawBytes(this.u8()));
      case 0x8e: // BINBYTES8
        return this.push(this.rawBytes(this.u64()));
      case 0x29: // EMPTY_TUPLE
        return this.push(new PyTuple([]));
      case 0x85: // TUPLE1
        return this.push(new PyTuple(this.popN(1)));
      case 0x86: // TUPLE2
        return this.push(new PyTuple(this.popN(2)));
      case 0x87: // TUPLE3
        return this.push(new PyTuple(this.popN(3)));
      case 0x74: // TUPLE
        return this.push(new PyTuple(this.popMark()));
      case 0x5d: // EMPTY_LIST
        return this.push(new PyList());
      case 0x6c: // LIST
        return this.push(new PyList(this.popMark()));
      case 0x61: {
        // APPEND
        const item = this.pop();
        this.list(this.peek()).items.push(item);
        return;
      }
      case 0x65: {
        // APPENDS
        const items = this.popMark();
        const list = this.list(this.peek());
        for (const item of items) list.items.push(item);
        return;
      }
      case 0x7d: // EMPTY_DICT
        return this.push(new PyDict());
      case 0x64: {
        // DICT
        const dict = new PyDict();
        this.setItems(dict, this.popMark());
        return this.push(dict);
      }
      case 0x73: {
        // SETITEM
        const [key, value] = this.popN(2);
        this.setItems(this.dict(this.peek()), [key, value]);
        return;
      }
      case 0x75: {
        // SETITEMS
        const items = this.popMark();
        this.setItems(this.dict(this.peek()), items);
        return;
      }
      case 0x63: {
        // GLOBAL: "module\nname\n"
        const module = this.line();
        const name = this.line();
        return this.push(this.hooks.resolveGlobal(module, name));
      }
      case 0x93: {
        // STACK_GLOBAL
        const [module, name] = this.popN(2);
        if (typeof module !== 'string' || typeof name !== 'string') this.fail('STACK_GLOBAL needs two strings');
        return this.push(this.hooks.resolveGlobal(module, name));
      }
      case 0x52: {
        // REDUCE
        const [callable, args] = this.popN(2);
        if (!(args instanceof PyTuple)) this.fail('REDUCE arguments are not a tuple');
        return this.push(this.hooks.reduce(callable, args));
      }
      case 0x62: {
        // BUILD
        const state = this.pop();
        this.hooks.build(this.peek(), state);
        return;
      }
      case 0x51: // BINPERSID
        return this.push(this.hooks.persistentLoad(this.pop()));
      case 0x71: // BINPUT
        return this.put(this.u8());
      case 0x72: // LONG_BINPUT
        return this.put(this.u32());
      case 0x94: // MEMOIZE
        return this.put(this.memo.size);
      case 0x68: // BINGET
        return this.push(this.get(this.u8()));
      case 0x6a: // LONG_BINGET
        return this.push(this.get(this.u32()));
      default:
        this.fail(
          `opcode 0x${opcode.toString(16).padStart(2, '0')} is not one torch checkpoints use ` +
            `(only the binary opcodes of protocols 2-5 that build plain values, tensors and storages are read)`,
        );
    }
  }

  // Reading bytes

  private take(length: number): number {
    if (!Number.isSafeInteger(length) || length < 0 || this.position + length > this.bytes.length) {
      this.fail(`needs ${length} more bytes but only ${this.bytes.length - this.position} are left (truncated?)`);
    }
    const at = this.position;
    this.position += length;
    return at;
  }

  private u8(): number {
    return this.bytes[this.take(1)];
  }

  private u32(): number {
    return this.view.getUint32(this.take(4), true);
  }

  private u64(): number {
    const value = this.view.getBigUint64(this.take(8), true);
    return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value); // take() refuses it
  }

  private text(length: number): string {
    const at = this.take(length);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(this.bytes.subarray(at, at + length));
    } catch {
      this.fail('a string is not valid UTF-8');
    }
  }

  private latin1(length: number): string {
    const at = this.take(length);
    return new TextDecoder('latin1').decode(this.bytes.subarray(at, at + length));
  }

  private rawBytes(length: number): Uint8Array {
    const at = this.take(length);
    return this.bytes.subarray(at, at + length);
  }

  /** A two's-complement little-endian integer: a number when safe, else a bigint. */
  private long(length: number): number | bigint {
    if (length > PICKLE_LIMITS.integerBytes) this.fail(`an integer of ${length} bytes`);
    const at = this.take(length);
    let value = 0n;
    for (let i = length - 1; i >= 0; i--) value = (value << 8n) | BigInt(this.bytes[at + i]);
    if (length > 0 && this.bytes[at + length - 1] & 0x80) value -= 1n << BigInt(8 * length);
    const small = Number(value);
    return Number.isSafeInteger(small) ? small : value;
  }

  private line(): string {
    const end = this.bytes.indexOf(0x0a, this.position);
    if (end < 0 || end - this.position > PICKLE_LIMITS.lineBytes) this.fail(`GLOBAL's name is unterminated (truncated?) or longer than ${PICKLE_LIMITS.lineBytes} bytes`);
    const at = this.take(end - this.position + 1);
    return new TextDecoder('latin1').decode(this.bytes.subarray(at, end));
  }

  // The stack

  private push(value: Slot): void {
    if (this.stack.length >= PICKLE_LIMITS.stackItems) this.fail(`more than ${PICKLE_LIMITS.stackItems} stack items`);
    this.stack.push(value);
  }

  private popSlot(): Slot {
    if (this.stack.length === 0) this.fail('pops an empty stack');
    const slot = this.stack.pop() as Slot;
    if (slot === MARK) this.markCount--;
    return slot;
  }

  private pop(): PickleValue {
    const slot = this.popSlot();
    if (slot === MARK) this.fail('finds a mark where a value belongs');
    return slot;
  }

  private peek(): PickleValue {
    const slot = this.stack[this.stack.length - 1];
    if (slot === undefined) this.fail('reads an empty stack');
    if (slot === MARK) this.fail('finds a mark where a value belongs');
    return slot;
  }

  private popN(count: number): PickleValue[] {
    if (this.stack.length < count) this.fail(`needs ${count} stack items, has ${this.stack.length}`);
    const items = this.stack.splice(this.stack.length - count, count);
    if (items.includes(MARK)) this.fail('finds a mark where a value belongs');
    return items as PickleValue[];
  }

  /** The items above the topmost mark, and the mark itself, off the stack. */
  private popMark(): PickleValue[] {
    const markAt = this.stack.lastIndexOf(MARK);
    if (markAt < 0) this.fail('has no mark to pop to');
    const items = this.stack.splice(markAt + 1);
    this.stack.pop();
    this.markCount--;
    return items as PickleValue[];
  }

  private list(value: PickleValue): PyList {
    if (!(value instanceof PyList)) this.fail('appends to something that is not a list');
    return value;
  }

  private dict(value: PickleValue): PyDict {
    if (!(value instanceof PyDict)) this.fail('sets an item on something that is not a dict');
    return value;
  }

  private setItems(dict: PyDict, flat: PickleValue[]): void {
    if (flat.length % 2 !== 0) this.fail('sets dict items from an odd number of values');
    for (let i = 0; i < flat.length; i += 2) {
      const key = flat[i];
      if (!(key === null || ['string', 'number', 'boolean'].includes(typeof key))) {
        this.fail('uses a dict key that is not a string, number, boolean or None');
      }
      dict.entries.set(key as DictKey, flat[i + 1]);
    }
  }

  // The memo

  private put(index: number): void {
    if (!this.memo.has(index) && this.memo.size >= PICKLE_LIMITS.memoEntries) {
      this.fail(`more than ${PICKLE_LIMITS.memoEntries} memo entries`);
    }
    this.memo.set(index, this.peek());
  }

  private get(index: number): PickleValue {
    const value = this.memo.get(index);
    if (value === undefined) this.fail(`reads memo entry ${index}, which was never stored`);
    return value;
  }
}
