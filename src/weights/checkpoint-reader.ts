import { WeightsError } from './errors';
import { formatShape } from './host-tensor';
import type { TensorSource } from './tensor-source';

/** A checkpoint tensor, shape-checked, converted to f32 only when `load` is called. */
export interface LazyTensor {
  name: string;
  shape: number[];
  load(): Float32Array;
}

const MAX_LISTED_PROBLEMS = 12;
const MAX_PROBLEMS = 64;

/**
 * Takes named tensors out of a checkpoint, checking each shape (no data is read until a tensor's `load`). Problems
 * are collected rather than thrown one at a time, so `finish` can report every missing or misshapen tensor in one
 * message; after MAX_PROBLEMS it stops looking, so a config asking for a billion layers fails at once.
 */
export class CheckpointReader {
  private readonly problems: { tensor: string; text: string }[] = [];

  constructor(
    private readonly file: TensorSource,
    readonly prefix: string,
  ) {}

  has(name: string): boolean {
    return this.file.has(this.prefix + name);
  }

  hasUnprefixed(name: string): boolean {
    return this.file.has(name);
  }

  /** Whether any tensor name starts with `start` (prefix not added). */
  hasAnyStartingWith(start: string): boolean {
    return this.file.names.some((name) => name.startsWith(start));
  }

  /** The first of `aliases` (names after the prefix) that is present, checked against `shape`. */
  tensor(aliases: string | readonly string[], shape: readonly number[]): LazyTensor {
    return this.take(aliasList(aliases).map((name) => this.prefix + name), shape);
  }

  /** Like `tensor`, for names outside the prefix (such as `cls.*`, `classifier.*`, `lm_head.*`). */
  unprefixedTensor(aliases: string | readonly string[], shape: readonly number[]): LazyTensor {
    return this.take(aliasList(aliases), shape);
  }

  /** Throws one WeightsError naming every problem found, if any. */
  finish(modelDescription: string): void {
    if (this.problems.length === 0) return;
    const listed = this.problems.slice(0, MAX_LISTED_PROBLEMS).map((problem) => problem.text);
    const more = this.problems.length - listed.length;
    throw new WeightsError(
      `${this.file.fileName} does not match ${modelDescription}: ${listed.join('; ')}` +
        (more > 0 ? `; and ${this.overwhelmed ? 'more' : `${more} more`}` : ''),
      this.file.fileName,
      this.problems[0].tensor,
    );
  }

  /** Whether so many tensors are missing that looking further is pointless (the message lists the first ones). */
  get overwhelmed(): boolean {
    return this.problems.length >= MAX_PROBLEMS;
  }

  private take(names: readonly string[], shape: readonly number[]): LazyTensor {
    const placeholder: LazyTensor = { name: names[0], shape: [...shape], load: () => new Float32Array(0) };
    if (this.overwhelmed) return placeholder;
    const name = names.find((candidate) => this.file.has(candidate));
    if (name === undefined) {
      const alternatives = names.slice(1).map((alias) => ` (or "${alias}")`).join('');
      const text = `missing "${names[0]}"${alternatives}, expected ${formatShape(shape)}`;
      this.problems.push({ tensor: names[0], text });
      return placeholder;
    }
    const actual = this.file.entry(name).shape;
    if (actual.length !== shape.length || actual.some((dim, i) => dim !== shape[i])) {
      this.problems.push({
        tensor: name,
        text: `"${name}" has shape ${formatShape(actual)}, expected ${formatShape(shape)}`,
      });
      return placeholder;
    }
    const file = this.file;
    return { name, shape: [...shape], load: () => file.hostTensor(name).data };
  }
}

function aliasList(aliases: string | readonly string[]): readonly string[] {
  return typeof aliases === 'string' ? [aliases] : aliases;
}
