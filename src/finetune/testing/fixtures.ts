// Node-only helpers for the fine-tuning tests: the tiny fixture checkpoints on the CPU backend, an in-memory store,
// and a small labelled set whose words the tiny tokenizer knows.

import { readFileSync } from 'node:fs';
import { createCpuBackend } from '../../models/cpuBackend';
import type { Backend } from '../../models/backend';
import type { RunEnvironment } from '../run';
import { createMemoryRunStore, type BaseModelFiles } from '../runStore';
import { Rng } from '../../common/random';

const MODELS = new URL('../../../test/fixtures/models/', import.meta.url);

export function fixtureModel(name: string): BaseModelFiles {
  const read = (file: string) => readFileSync(new URL(`${name}/${file}`, MODELS));
  const bytes = read('model.safetensors');
  return {
    name,
    config: JSON.parse(read('config.json').toString('utf8')),
    safetensors: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    tokenizer: JSON.parse(read('tokenizer.json').toString('utf8')),
  };
}

export function testEnvironment(): RunEnvironment {
  return {
    store: createMemoryRunStore(),
    backend: createCpuBackend() as Backend<unknown>,
    limits: { maxBufferBytes: 2 ** 30, budgetBytes: 2 ** 30 },
    loadBaseModel: async (model) => fixtureModel(String(model)),
  };
}

/** Sentences that say "good" or "great" (label 1) or "bad" or "not" (label 0), as a TSV like UCI's. */
export function sentimentTsv(count: number, seed = 7): string {
  const rng = new Rng(seed);
  const fillers = ['the food was', 'the place was', 'this was', 'it was the', 'food'];
  const positive = ['good', 'great', 'best', 'love'];
  const negative = ['bad', 'not good', 'bad bad', 'not the best'];
  const pick = (words: string[]) => words[Math.floor(rng.next() * words.length)];
  return Array.from({ length: count }, () => {
    const label = rng.next() < 0.5 ? 1 : 0;
    return `${pick(fillers)} ${pick(label ? positive : negative)}.\t${label}`;
  }).join('\n');
}
