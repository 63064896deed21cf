import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WeightsError } from './errors';
import { TorchCheckpoint } from './pytorch-bin';
import { SafetensorsFile } from './safetensors';
import { parseShardIndex, PYTORCH_INDEX, SAFETENSORS_INDEX, ShardedTensorSource } from './shards';
import type { TensorSource } from './tensor-source';

// Shards written by scripts/reference/make_bin_fixtures.py (save_pretrained's layout) and their unsharded twins.
const HUB = 'test/fixtures/hub/hub-test';
const bytes = (path: string) => new Uint8Array(readFileSync(path));

function openSharded(repo: string, index: string, open: (bytes: Uint8Array, name: string) => TensorSource) {
  const parsed = parseShardIndex(JSON.parse(readFileSync(`${HUB}/${repo}/${index}`, 'utf8')), index);
  const shards = new Map(parsed.shards.map((shard) => [shard, open(bytes(`${HUB}/${repo}/${shard}`), shard)]));
  return new ShardedTensorSource(parsed, shards);
}

function indexError(json: unknown, file = SAFETENSORS_INDEX): string {
  try {
    parseShardIndex(json, file);
  } catch (error) {
    expect(error).toBeInstanceOf(WeightsError);
    return (error as Error).message;
  }
  throw new Error('expected the index to be refused');
}

describe('sharded checkpoints', () => {
  it.each([
    ['tiny-bert-sharded', SAFETENSORS_INDEX, 'tiny-bert', (b: Uint8Array, n: string) => SafetensorsFile.parse(b, n)],
    ['tiny-gpt2-sharded-bin', PYTORCH_INDEX, 'tiny-gpt2', (b: Uint8Array, n: string) => TorchCheckpoint.parse(b, n)],
  ])('%s reads as one source equal to the unsharded checkpoint', (repo, index, twin, open) => {
    const sharded = openSharded(repo, index, open);
    const whole = SafetensorsFile.parse(bytes(`test/fixtures/models/${twin}/model.safetensors`));
    expect([...sharded.names].sort()).toEqual([...whole.names].sort());
    for (const name of whole.names) {
      expect(sharded.entry(name).shape, name).toEqual(whole.entry(name).shape);
      expect([...sharded.hostTensor(name).data], name).toEqual([...whole.hostTensor(name).data]);
    }
    expect(sharded.index.totalSize).toBe(whole.names.reduce((sum, name) => sum + whole.rawBytes(name).length, 0));
    expect(sharded.fileName).toBe(`${index} (2 shards)`);
  });

  it('lets go of a shard once all its tensors are released', () => {
    const sharded = openSharded('tiny-bert-sharded', SAFETENSORS_INDEX, (b, n) => SafetensorsFile.parse(b, n));
    const first = sharded.names.filter((name) => sharded.shardOf(name) === sharded.index.shards[0]);
    const before = sharded.heldBytes;
    sharded.release(first.slice(1));
    expect(sharded.heldBytes).toBe(before);
    sharded.release(first.slice(0, 1));
    expect(sharded.heldBytes).toBeLessThan(before);
    expect(() => sharded.hostTensor(first[0])).toThrow(/^model-00001-of-00002\.safetensors: tensor ".*" was released/);
    const second = sharded.names.find((name) => !first.includes(name))!;
    expect(sharded.hostTensor(second).data.length).toBeGreaterThan(0);
    sharded.release();
    expect(sharded.heldBytes).toBe(0);
  });

  it('names the shard that lacks a tensor the index assigns it', () => {
    const index = parseShardIndex({ weight_map: { a: 'one.safetensors', b: 'one.safetensors' } }, SAFETENSORS_INDEX);
    const shard = SafetensorsFile.parse(bytes(`${HUB}/tiny-bert-sharded/model-00002-of-00002.safetensors`), 'one.safetensors');
    expect(() => new ShardedTensorSource(index, new Map([['one.safetensors', shard]]))).toThrow(
      `one.safetensors has no tensor "a", which ${SAFETENSORS_INDEX} says it holds (shards from another checkpoint, or an outdated index?)`,
    );
    expect(() => new ShardedTensorSource(index, new Map())).toThrow(`${SAFETENSORS_INDEX}: shard one.safetensors was not loaded`);
  });

  it('refuses malformed indexes, naming the field', () => {
    expect(indexError([])).toBe(`${SAFETENSORS_INDEX}: is not a JSON object`);
    expect(indexError({})).toBe(`${SAFETENSORS_INDEX}: has no "weight_map" object (tensor name -> shard file)`);
    expect(indexError({ weight_map: {} })).toBe(`${SAFETENSORS_INDEX}: "weight_map" is empty`);
    expect(indexError({ weight_map: { w: 3 } })).toBe(`${SAFETENSORS_INDEX}: "weight_map" maps "w" to 3, not a file name`);
    for (const shard of ['../model.safetensors', '/etc/passwd.safetensors', 'sub/model.safetensors', '.hidden.safetensors', 'model.bin']) {
      expect(indexError({ weight_map: { w: shard } })).toContain(`maps "w" to ${JSON.stringify(shard)}, not a .safetensors file beside the index`);
    }
    expect(indexError({ weight_map: { w: 'model.safetensors' } }, PYTORCH_INDEX)).toContain('not a .bin file beside the index');
    expect(indexError({ weight_map: { w: 'a.safetensors' }, metadata: { total_size: -1 } })).toBe(
      `${SAFETENSORS_INDEX}: "metadata.total_size" is -1, not a byte count`,
    );
  });
});
