// The decoder rows share one model: a prefill row empties its KV cache and each decode row rewinds to its own prompt,
// so run in any order every row still gives what onnxruntime-web (wasm, its own KV cache) gives for the same tokens.
// A row with packed weights runs its own model: q4 against ORT's MatMulNBits graph of the same 4-bit weights, f16
// against ORT's f32 (so within the row's looser agreement).
import * as ort from 'onnxruntime-web';
import { expect, it } from 'vitest';
import { testGpu } from '../kernels/testing';
import { decoderCases } from './modelCases';
import { AGREEMENT, relativeMaxDiff } from './timing';

ort.env.wasm.numThreads = 1;

it('prefill and decode rows (f32, q4, f16 weights) agree with ORT wasm in any order', async () => {
  const gpu = await testGpu();
  const config = { model_type: 'gpt2', vocab_size: 64, n_embd: 32, n_layer: 2, n_head: 2, n_positions: 48 };
  const cases = await decoderCases({ gpu, ort, providers: ['wasm'] }, {
    label: 'tiny GPT-2', config, prefill: [{ T: 8, logits: 'all' }],
    decode: [{ after: 6, steps: 3 }, { after: 30, steps: 4 }, { after: 6, steps: 3, weights: 'q4' }, { after: 30, steps: 2, weights: 'f16' }],
  });
  expect(cases.map((c) => c.name)).toEqual([
    'tiny GPT-2 prefill T=8', 'tiny GPT-2 decode 3 tokens after 6 (ms/token)', 'tiny GPT-2 decode 4 tokens after 30 (ms/token)',
    'tiny GPT-2 decode 3 tokens after 6, q4 weights (ms/token)', 'tiny GPT-2 decode 2 tokens after 30, f16 weights (ms/token)',
  ]);
  expect(cases.map((c) => c.agreement)).toEqual([undefined, undefined, undefined, undefined, 1e-2]);
  const diffs: string[] = [];
  for (const index of [2, 3, 1, 0, 4, 1, 3, 2, 2]) {
    const row = cases[index];
    const ours = await row.ours();
    const theirs = await row.ort.wasm!();
    const diff = relativeMaxDiff(ours, theirs);
    diffs.push(`${index}: ${diff.toExponential(1)}`);
    expect(diff).toBeLessThan(row.agreement ?? AGREEMENT);
  }
  console.log(`decoder rows vs ORT wasm, in the order run (row: relative max diff): ${diffs.join(', ')}`);
  for (const row of cases) await row.dispose();
});
