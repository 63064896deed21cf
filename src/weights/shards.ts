// Sharded checkpoints as save_pretrained writes them for large models: `model.safetensors.index.json` (or
// `pytorch_model.bin.index.json`) = { metadata: { total_size }, weight_map: { tensor name: shard file } }, and the
// shards beside it. The shards read as one TensorSource; each tensor comes from the shard the index names.

import { WeightsError } from './errors';
import type { HostTensor } from './host-tensor';
import type { TensorInfo, TensorSource } from './tensor-source';

export const SAFETENSORS_INDEX = 'model.safetensors.index.json';
export const PYTORCH_INDEX = 'pytorch_model.bin.index.json';
/** More shards than any published checkpoint (the largest have a few hundred). */
export const MAX_SHARDS = 10_000;
export const MAX_INDEX_ENTRIES = 1_000_000;

export interface ShardIndex {
  /** The index file, for messages. */
  fileName: string;
  /** Tensor name -> shard file, in the index's order. */
  weightMap: ReadonlyMap<string, string>;
  /** Every shard file, in first-use order. */
  shards: readonly string[];
  /** metadata.total_size when given: the bytes of tensor data over all shards. */
  totalSize: number | null;
}

/** A shard file name: a plain file beside the index (no folders, no `..`), with the index's own extension. */
const SHARD_NAME = /^(?!\.)[\w.-]{1,255}$/;

export function parseShardIndex(json: unknown, fileName: string): ShardIndex {
  const fail = (problem: string): never => {
    throw new WeightsError(`${fileName}: ${problem}`, fileName);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('is not a JSON object');
  const { weight_map: weightMap, metadata } = json as Record<string, unknown>;
  if (typeof weightMap !== 'object' || weightMap === null || Array.isArray(weightMap)) {
    return fail('has no "weight_map" object (tensor name -> shard file)');
  }
  const entries = Object.entries(weightMap);
  if (entries.length === 0) fail('"weight_map" is empty');
  if (entries.length > MAX_INDEX_ENTRIES) fail(`"weight_map" has ${entries.length} entries, over the ${MAX_INDEX_ENTRIES} limit`);
  const extension = fileName.endsWith(`${PYTORCH_INDEX}`) ? '.bin' : fileName.endsWith(SAFETENSORS_INDEX) ? '.safetensors' : null;
  const map = new Map<string, string>();
  const shards: string[] = [];
  const seen = new Set<string>();
  for (const [tensor, shard] of entries) {
    if (typeof shard !== 'string') fail(`"weight_map" maps ${shown(tensor)} to ${shown(shard)}, not a file name`);
    const name = shard as string;
    if (!SHARD_NAME.test(name) || (extension && !name.endsWith(extension))) {
      fail(`"weight_map" maps ${shown(tensor)} to ${shown(name)}, not a ${extension ?? ''} file beside the index`);
    }
    map.set(tensor, name);
    if (!seen.has(name)) {
      seen.add(name);
      shards.push(name);
      if (shards.length > MAX_SHARDS) fail(`names more than ${MAX_SHARDS} shards`);
    }
  }
  let totalSize: number | null = null;
  if (metadata !== undefined && metadata !== null) {
    if (typeof metadata !== 'object' || Array.isArray(metadata)) fail('"metadata" is not an object');
    const size = (metadata as Record<string, unknown>).total_size;
    if (size !== undefined) {
      if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
        fail(`"metadata.total_size" is ${shown(size)}, not a byte count`);
      }
      totalSize = size as number;
    }
  }
  return { fileName, weightMap: map, shards, totalSize };
}

/** A value of the index in a message: JSON, cut short. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * The tensors of every shard as one source, in the index's order. Checks that each shard holds the tensors the
 * index assigns it. Releasing tensors lets go of each shard whose tensors are all released.
 */
export class ShardedTensorSource implements TensorSource {
  readonly fileName: string;
  readonly names: readonly string[];
  private readonly shards = new Map<string, TensorSource | null>();

  constructor(
    readonly index: ShardIndex,
    shards: ReadonlyMap<string, TensorSource>,
  ) {
    this.fileName = `${index.fileName} (${index.shards.length} shard${index.shards.length === 1 ? '' : 's'})`;
    for (const shard of index.shards) {
      const source = shards.get(shard);
      if (!source) throw new WeightsError(`${index.fileName}: shard ${shard} was not loaded`, shard);
      this.shards.set(shard, source);
    }
    for (const [tensor, shard] of index.weightMap) {
      if (!(this.shards.get(shard) as TensorSource).has(tensor)) {
        throw new WeightsError(
          `${shard} has no tensor "${tensor}", which ${index.fileName} says it holds (shards from another ` +
            `checkpoint, or an outdated index?)`,
          shard,
          tensor,
        );
      }
    }
    this.names = [...index.weightMap.keys()];
  }

  get heldBytes(): number {
    let held = 0;
    for (const shard of this.shards.values()) held += shard?.heldBytes ?? 0;
    return held;
  }

  has(name: string): boolean {
    return this.index.weightMap.has(name);
  }

  /** The shard file that holds `name`. */
  shardOf(name: string): string {
    const shard = this.index.weightMap.get(name);
    if (shard === undefined) {
      throw new WeightsError(`${this.index.fileName}: no tensor named "${name}" in any shard`, this.index.fileName, name);
    }
    return shard;
  }

  entry(name: string): TensorInfo {
    return { ...this.source(name).entry(name), name };
  }

  hostTensor(name: string): HostTensor {
    return this.source(name).hostTensor(name);
  }

  release(names: readonly string[] = this.names): void {
    const byShard = new Map<string, string[]>();
    for (const name of names) {
      const shard = this.index.weightMap.get(name);
      if (shard !== undefined) byShard.set(shard, [...(byShard.get(shard) ?? []), name]);
    }
    for (const [shard, shardNames] of byShard) {
      const source = this.shards.get(shard);
      source?.release?.(shardNames);
      if (source?.heldBytes === 0) this.shards.set(shard, null);
    }
  }

  private source(name: string): TensorSource {
    const shard = this.shardOf(name);
    const source = this.shards.get(shard);
    if (!source) {
      throw new WeightsError(`${shard}: tensor "${name}" was released after loading; load the model again to read it`, shard, name);
    }
    return source;
  }
}
