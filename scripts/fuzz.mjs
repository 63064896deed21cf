#!/usr/bin/env node
// The fuzz suite (test/fuzz) at any length and seed: `node scripts/fuzz.mjs --inputs 500000 --seed 7 [--strict]`.
// --strict also fails on internal-error texts from parsers the suite reports but does not own.
import { run } from './run.mjs';

const args = process.argv.slice(2);
const value = (flag, fallback) => {
  const at = args.indexOf(flag);
  return at >= 0 && args[at + 1] !== undefined ? args[at + 1] : fallback;
};
const inputs = Number(value('--inputs', '200000'));
const seed = Number(value('--seed', String(Date.now() % 2 ** 31)));
if (!Number.isInteger(inputs) || inputs <= 0 || !Number.isInteger(seed)) {
  console.error('usage: node scripts/fuzz.mjs [--inputs <count>] [--seed <integer>] [--strict]');
  process.exit(2);
}
console.log(`fuzzing ${inputs} inputs with seed ${seed}`);
const env = { FUZZ_INPUTS: String(inputs), FUZZ_SEED: String(seed), FUZZ_STRICT: args.includes('--strict') ? '1' : '0' };
process.exit(await run('npx', ['vitest', 'run', 'test/fuzz', '--testTimeout', '0'], env));
