#!/usr/bin/env node
// The fuzz suite (test/fuzz) at any length and seed: `node scripts/fuzz.mjs --inputs 500000 --seed 7`.
import { run } from './run.mjs';

const args = process.argv.slice(2);
const value = (flag, fallback) => {
  const at = args.indexOf(flag);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1] : fallback;
};
const inputs = Number(value('--inputs', '200000'));
const seed = Number(value('--seed', String(Date.now() % 2 ** 31)));
if (!Number.isInteger(inputs) || inputs <= 0 || !Number.isInteger(seed)) {
  console.error('usage: node scripts/fuzz.mjs [--inputs <count>] [--seed <integer>]');
  process.exit(2);
}
console.log(`fuzzing ${inputs} inputs with seed ${seed}`);
const env = { FUZZ_INPUTS: String(inputs), FUZZ_SEED: String(seed) };
process.exit(await run('npx', ['vitest', 'run', 'test/fuzz', '--testTimeout', '0'], env));
