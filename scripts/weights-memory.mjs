#!/usr/bin/env node
// Peak memory of real-size checkpoint loads (test/weights/memory.test.ts): GPT-2 124M (F32, F16, torch .bin) and
// BERT-base through the stand-in Hub, with the garbage collector exposed so the figures are not inflated by garbage.
import { run } from './run.mjs';

process.exit(
  await run('npx', ['vitest', 'run', 'test/weights/memory.test.ts'], {
    WEIGHTS_MEMORY: '1',
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --expose-gc --max-old-space-size=8192`.trim(),
  }),
);
