// A model's parameters as one struct (llm.c's ParameterTensors): the same struct type holds lazy checkpoint tensors, the
// device buffers inference uses, and training's parameters with their gradients and moments. Each architecture
// describes its struct once as a tree of shapes (`number[]` leaves); that tree is the schema every map below walks,
// and the memory estimate sums it, so what is estimated is what gets allocated.

import type { LazyTensor } from '../weights/checkpoint-reader';
import type { HostTensor } from '../weights/host-tensor';
import type { Backend } from './backend';

export type { LazyTensor };

export function lazy(name: string, shape: number[], load: () => Float32Array): LazyTensor {
  return { name, shape, load };
}

/** A struct of parameters: leaves (one per tensor) in nested objects and arrays; absent optional parts are undefined. */
export type ParamTree = unknown;

const isShape = (node: unknown): node is number[] => Array.isArray(node) && node.length > 0 && node.every((dim) => typeof dim === 'number');

/**
 * Maps every leaf of `tree` (whose structure `shapes` describes) to `f(leaf, path, shape)`, keeping the structure.
 * Paths are like `layers.3.qkvWeight`, for labels and messages.
 */
export function mapParams<Out>(shapes: ParamTree, tree: ParamTree, f: (leaf: never, path: string, shape: number[]) => Out): ParamTree {
  const walk = (shape: unknown, node: unknown, path: string): unknown => {
    if (shape === undefined) return undefined;
    if (isShape(shape)) {
      if (node === undefined) throw new Error(`parameter ${path} is missing`);
      return f(node as never, path, shape);
    }
    if (Array.isArray(shape)) return shape.map((item, i) => walk(item, (node as unknown[])[i], `${path}.${i}`));
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(shape as Record<string, unknown>)) {
      const child = walk(value, (node as Record<string, unknown>)[key], path ? `${path}.${key}` : key);
      if (child !== undefined) out[key] = child;
    }
    return out;
  };
  return walk(shapes, tree, '');
}

/** Every leaf of `tree` in schema order, with its path and shape. */
export function paramLeaves<T>(shapes: ParamTree, tree: ParamTree): { leaf: T; path: string; shape: number[] }[] {
  const leaves: { leaf: T; path: string; shape: number[] }[] = [];
  mapParams(shapes, tree, (leaf: T, path, shape) => leaves.push({ leaf, path, shape }));
  return leaves;
}

/** Elements in every leaf of a shape tree. */
export function paramCount(shapes: ParamTree): number {
  let count = 0;
  mapParams(shapes, shapes, (_leaf, _path, shape) => (count += numel(shape)));
  return count;
}

/** Elements of the largest leaf. */
export function largestParam(shapes: ParamTree): number {
  let largest = 0;
  mapParams(shapes, shapes, (_leaf, _path, shape) => (largest = Math.max(largest, numel(shape))));
  return largest;
}

export const numel = (shape: readonly number[]): number => shape.reduce((product, dim) => product * dim, 1);

/** Which leaves are matmul weights, by path, and in which layout ('kn' (in, out) or 'nk' (out, in)); others undefined. */
export type MatmulWeights = (path: string) => 'kn' | 'nk' | undefined;

/**
 * Uploads every tensor of a lazy struct, one at a time: each is converted, copied to the backend, then let go. The
 * leaves `matmulWeights` names go through `fromWeight` (stored in the backend's weight format).
 */
export function uploadParams<Buf>(backend: Backend<Buf>, shapes: ParamTree, tree: ParamTree, matmulWeights: MatmulWeights = () => undefined): ParamTree {
  return mapParams(shapes, tree, (tensor: LazyTensor, path) => {
    const layout = matmulWeights(path);
    return layout ? backend.fromWeight(tensor.load(), tensor.shape, layout, tensor.name) : backend.fromFloats(tensor.load(), tensor.shape, tensor.name);
  });
}


/** Every tensor of a struct read back from the backend (one flush), as host tensors named by their paths. */
export async function readParams<Buf>(backend: Backend<Buf>, shapes: ParamTree, tree: ParamTree): Promise<ParamTree> {
  const reads = paramLeaves<Buf>(shapes, tree).map(({ leaf }) => backend.read(leaf));
  await backend.flush();
  const values = await Promise.all(reads);
  let i = 0;
  return mapParams(shapes, tree, (_leaf: Buf, path, shape) => ({ name: path, shape, data: values[i++] }));
}

/** Frees every buffer of a struct once (a tied table appears at two paths). */
export function freeParams<Buf>(backend: Backend<Buf>, shapes: ParamTree, tree: ParamTree): void {
  new Set(paramLeaves<Buf>(shapes, tree).map(({ leaf }) => leaf)).forEach((buf) => backend.free(buf));
}

/** Rows of several tensors stacked into one (q, k, v into one q|k|v matrix), loaded lazily. */
export function concatRows(name: string, parts: readonly LazyTensor[]): LazyTensor {
  const [first] = parts;
  const shape = [parts.reduce((rows, part) => rows + part.shape[0], 0), ...first.shape.slice(1)];
  return lazy(name, shape, () => {
    const out = new Float32Array(numel(shape));
    let offset = 0;
    for (const part of parts) {
      const data = part.load();
      out.set(data, offset);
      offset += data.length;
    }
    return out;
  });
}

/** The inverse of concatRows: row ranges of a host tensor, `rows[i]` rows each. */
export function splitRows(tensor: HostTensor, rows: readonly number[], names: readonly string[]): HostTensor[] {
  const rowSize = numel(tensor.shape.slice(1));
  let start = 0;
  return rows.map((count, i) => {
    const data = tensor.data.slice(start * rowSize, (start + count) * rowSize);
    start += count;
    return { name: names[i], shape: [count, ...tensor.shape.slice(1)], data };
  });
}
