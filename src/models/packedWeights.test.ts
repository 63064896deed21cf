// Models whose matmul weights are stored packed (f16, 8-bit, 4-bit blocks), on the GPU kernels and on the CPU path,
// against the torch reference run on the dequantized weights (scripts/reference/make_packed_fixtures.py, its own
// quantizer): test/fixtures/packed/<fixture>.<format>.json. Also the memory estimate's weight bytes for each format.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { testGpu } from '../kernels/testing';
import type { Backend, WeightFormat } from './backend';
import { buildModel } from './checkpoint';
import { createCpuBackend } from './cpuBackend';
import { createGpuBackend } from './gpuBackend';
import { familyOf, parseModelConfig } from './registry';
import { FIXTURES, maxAbsDiff, pickColumns, readCheckpoint } from './testing/golden';

const MODELS = ['tiny-gpt2', 'tiny-llama', 'tiny-gpt-neox', 'tiny-bert'];
const FORMATS = ['f16', 'q8', 'q4'] as const;
type Format = (typeof FORMATS)[number];

/** As the conformance suite (gpuBackend.test.ts, cpuBackend.test.ts): the reference is exact, the engine f32. */
const TOLERANCE = 1e-4;

/** Device bytes per packed weight element, scales (one f32 per 32 elements) included. */
const BYTES_PER_WEIGHT: Record<WeightFormat, number> = { f32: 4, f16: 2, q8: 1 + 4 / 32, q4: 0.5 + 4 / 32 };

interface PackedCase {
  name: string;
  input_ids: number[];
  token_type_ids?: number[];
  attention_mask?: number[];
  logits: number[][]; // (T, 64)
  logits_probe_columns: number[];
  logits_probe: number[][]; // (T, P)
  last_hidden_state?: number[][]; // (T, C), encoders
}

interface PackedGolden {
  model: string;
  format: Format;
  /** The Hugging Face tensors the reference quantized, as (N, K) = (out, in) matrices. */
  packed_weights: { name: string; N: number; K: number }[];
  /** Largest change of each stored output from the float32 golden: how much the format moves the model. */
  change_from_f32: Record<string, number>;
  cases: PackedCase[];
}

const readPacked = (model: string, format: Format): PackedGolden =>
  JSON.parse(readFileSync(join(FIXTURES, 'packed', `${model}.${format}.json`), 'utf8')) as PackedGolden;

const flat = (rows: number[][]): number[] => rows.flat();

const BACKENDS = [
  { name: 'webgpu', check: async (fixture: string, golden: PackedGolden) => errors(createGpuBackend(await testGpu(), 'packed.test', { weights: golden.format }), fixture, golden, 'webgpu') },
  { name: 'cpu', check: (fixture: string, golden: PackedGolden) => errors(createCpuBackend({ weights: golden.format }), fixture, golden, 'cpu') },
];

/** The largest error of a model's logits (and last hidden state) over the golden cases, printed per output. */
async function errors<Buf>(backend: Backend<Buf>, fixture: string, golden: PackedGolden, label: string): Promise<Record<string, number>> {
  const { model, config, family } = buildModel(backend, readCheckpoint(join(FIXTURES, 'models', fixture)));
  const V = config.dims.V;
  const worst: Record<string, number> = {};
  const note = (what: string, error: number) => (worst[what] = Math.max(worst[what] ?? 0, error));
  try {
    for (const c of golden.cases) {
      model.resetCache();
      const encoder = family.kind === 'encoder';
      const input = encoder ? { ids: c.input_ids, tokenTypeIds: c.token_type_ids, attentionMask: c.attention_mask } : { ids: c.input_ids };
      const result = await model.forward(input, { logits: 'all', hidden: encoder });
      const logits = result.logits!; // (T, V)
      const firstColumns = Array.from({ length: c.logits[0].length }, (_, i) => i);
      note('logits', maxAbsDiff(pickColumns(logits, V, firstColumns), flat(c.logits)));
      note('logits', maxAbsDiff(pickColumns(logits, V, c.logits_probe_columns), flat(c.logits_probe)));
      if (encoder) {
        if (!c.last_hidden_state) throw new Error(`${fixture}.${golden.format}.json: case ${c.name} of an encoder has no last_hidden_state`);
        note('last hidden state', maxAbsDiff(result.hidden!, flat(c.last_hidden_state)));
      }
    }
  } finally {
    model.dispose();
  }
  for (const [what, error] of Object.entries(worst)) console.log(`[${label}] ${fixture} ${golden.format} ${what}: max abs error ${error.toExponential(2)}`);
  return worst;
}

describe.each(MODELS)('%s with packed matmul weights', (fixture) => {
  const config = parseModelConfig(JSON.parse(readFileSync(join(FIXTURES, 'models', fixture, 'config.json'), 'utf8')));
  const family = familyOf(config);

  describe.each(FORMATS)('%s', (format) => {
    const golden = readPacked(fixture, format);

    it('changes the model by more than the tolerance (so a backend that ignored the format would fail)', () => {
      expect(golden.model).toBe(fixture);
      expect(golden.format).toBe(format);
      expect(golden.packed_weights.length).toBeGreaterThan(0);
      expect(golden.change_from_f32.logits).toBeGreaterThan(10 * TOLERANCE);
    });

    it.each(BACKENDS)('matches the reference on $name', async ({ check }) => {
      const worst = await check(fixture, golden);
      expect(Object.keys(worst)).toEqual(family.kind === 'encoder' ? ['logits', 'last hidden state'] : ['logits']);
      for (const error of Object.values(worst)) expect(error).toBeLessThan(TOLERANCE);
    });

    it('estimates the weight bytes the packing saves, exactly', () => {
      const f32 = family.memory(config, undefined, 'f32').weightsBytes;
      const packed = family.memory(config, undefined, format).weightsBytes;
      const saved = golden.packed_weights.reduce((sum, { N, K }) => sum + N * K * (BYTES_PER_WEIGHT.f32 - BYTES_PER_WEIGHT[format]), 0);
      expect(f32 - packed).toBe(saved);
    });
  });

  it('orders the formats by size: q4 < q8 < f16 < f32', () => {
    const bytes = (['f32', ...FORMATS] as const).map((format) => family.memory(config, undefined, format).weightsBytes);
    expect(bytes).toEqual([...bytes].sort((a, b) => b - a));
    expect(new Set(bytes).size).toBe(bytes.length);
  });
});
