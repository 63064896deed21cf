// The decoder rows share one model: a prefill row empties its KV cache and each decode row rewinds to its own prompt,
// so run in any order every row still gives what onnxruntime-web (wasm, its own KV cache) gives for the same tokens.
import * as ort from 'onnxruntime-web';
import { expect, it } from 'vitest';
import { testGpu } from '../kernels/testing';
import { decoderCases } from './modelCases';
import { AGREEMENT, relativeMaxDiff } from './timing';

ort.env.wasm.numThreads = 1;

it('prefill and two decode rows on one model agree with ORT wasm in any order', async () => {
  const gpu = await testGpu();
  const config = { model_type: 'gpt2', vocab_size: 64, n_embd: 16, n_layer: 2, n_head: 2, n_positions: 48 };
  const cases = await decoderCases({ gpu, ort, providers: ['wasm'] }, {
    label: 'tiny GPT-2', config, prefill: [{ T: 8, logits: 'all' }], decode: [{ after: 6, steps: 3 }, { after: 30, steps: 4 }],
  });
  expect(cases.map((c) => c.name)).toEqual(['tiny GPT-2 prefill T=8', 'tiny GPT-2 decode 3 tokens after 6 (ms/token)', 'tiny GPT-2 decode 4 tokens after 30 (ms/token)']);
  const diffs: string[] = [];
  for (const index of [2, 1, 0, 1, 2, 2]) {
    const row = cases[index];
    const ours = await row.ours();
    const theirs = await row.ort.wasm!();
    const diff = relativeMaxDiff(ours, theirs);
    diffs.push(`${index}: ${diff.toExponential(1)}`);
    expect(diff).toBeLessThan(AGREEMENT);
  }
  console.log(`decoder rows vs ORT wasm, in the order run (row: relative max diff): ${diffs.join(', ')}`);
  for (const row of cases) await row.dispose();
});
