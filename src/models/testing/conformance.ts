// The model conformance suite, run once per backend: every golden output of the torch reference (logits, attention
// probabilities, hidden states, pooler, classifier), KV-cache decoding against full recomputation, greedy decoding.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Backend } from '../backend';
import { buildModel } from '../checkpoint';
import { classifierLogits, pooledOutput } from '../bert/pooling';
import { Gpt2 } from '../gpt2/gpt2';
import { Bert } from '../bert/bert';
import { FIXTURES, SHARED_REFERENCE, hasSharedReference, maxAbsDiff, pickColumns, readCheckpoint, readGolden, type GoldenCase } from './golden';

const flat = (nested: unknown): number[] => (nested as unknown[]).flat(Infinity as 1) as number[];

function report(backendName: string, model: string, what: string, error: number) {
  console.log(`[${backendName}] ${model} ${what}: max abs error ${error.toExponential(2)}`);
}

export interface ConformanceOptions {
  /** Also run Hugging Face's own checkpoints from ../shared (full vocabularies: slow on a CPU-emulated GPU). */
  sharedCheckpoints?: boolean;
}

export function describeModelConformance<Buf>(
  backendName: string,
  makeBackend: () => Promise<Backend<Buf>>,
  tolerance: number,
  { sharedCheckpoints = true }: ConformanceOptions = {},
) {
  async function load(dir: string) {
    return buildModel(await makeBackend(), readCheckpoint(dir));
  }

  function checkGpt2Case(label: string, c: GoldenCase, logits: Float32Array, V: number, attentions?: Float32Array[]) {
    const firstColumns = Array.from({ length: c.logits[0].length }, (_, i) => i);
    const logitError = Math.max(
      maxAbsDiff(pickColumns(logits, V, firstColumns), flat(c.logits)),
      maxAbsDiff(pickColumns(logits, V, c.logits_probe_columns), flat(c.logits_probe)),
    );
    report(backendName, label, 'logits', logitError);
    expect(logitError).toBeLessThan(tolerance);
    if (c.logits_full_row && c.logits_full_row_index !== undefined) {
      const row = logits.subarray(c.logits_full_row_index * V, (c.logits_full_row_index + 1) * V);
      expect(maxAbsDiff(row, c.logits_full_row)).toBeLessThan(tolerance);
    }
    if (attentions && c.attentions) {
      const error = Math.max(...attentions.map((probs, l) => maxAbsDiff(probs, flat(c.attentions![l]))));
      report(backendName, label, 'attention probabilities', error);
      expect(error).toBeLessThan(tolerance);
    }
  }

  describe(`GPT-2 on ${backendName}`, () => {
    const dir = join(FIXTURES, 'models/tiny-gpt2');
    const golden = readGolden(join(dir, 'golden.json'));

    it('matches the torch reference: logits and every layer\'s attention', async () => {
      const loaded = await load(dir);
      if (loaded.modelType !== 'gpt2') throw new Error('expected GPT-2');
      for (const c of golden.cases) {
        loaded.model.resetCache();
        const result = await loaded.model.forward(c.input_ids, { logits: 'all', saveAttention: c.attentions !== undefined });
        checkGpt2Case(`tiny-gpt2/${c.name}`, c, result.logits!, loaded.config.vocabSize, result.attentions);
      }
    });

    it('decodes with the KV cache to the same logits as recomputing the whole sequence', async () => {
      const loaded = await load(dir);
      const model = loaded.model as Gpt2<Buf>;
      const ids = golden.cases[0].input_ids;
      const V = loaded.config.vocabSize;
      const full = (await model.forward(ids, { logits: 'all' })).logits!;
      model.resetCache();
      const prefill = 5;
      const rows = [(await model.forward(ids.slice(0, prefill), { logits: 'all' })).logits!];
      for (let t = prefill; t < ids.length; t++) rows.push((await model.forward([ids[t]], { logits: 'last' })).logits!);
      const stepwise = new Float32Array(ids.length * V);
      let offset = 0;
      for (const row of rows) {
        stepwise.set(row, offset);
        offset += row.length;
      }
      const error = maxAbsDiff(stepwise, full);
      report(backendName, 'tiny-gpt2', 'KV-cache decode vs full recompute', error);
      expect(error).toBeLessThan(tolerance);
    });

    it('greedy decoding picks the reference\'s tokens', async () => {
      const loaded = await load(dir);
      const model = loaded.model as Gpt2<Buf>;
      const { prompt_ids, generated_ids } = golden.greedy!;
      const generated: number[] = [];
      let next = (await model.forward(prompt_ids, { logits: 'none', sample: { temperature: 0, topK: 0, topP: 1, uniform: 0 } })).nextId!;
      while (generated.length < generated_ids.length) {
        generated.push(next);
        next = (await model.forward([next], { logits: 'none', sample: { temperature: 0, topK: 0, topP: 1, uniform: 0 } })).nextId!;
      }
      expect(generated).toEqual(generated_ids);
    });

    it('refuses to run past the context limit with a clear message', async () => {
      const loaded = await load(dir);
      const tooLong = new Array<number>((loaded.model as Gpt2<Buf>).config.nPositions + 1).fill(1);
      await expect((loaded.model as Gpt2<Buf>).forward(tooLong)).rejects.toThrow(/context limit of this model is 64 tokens/);
    });
  });

  describe(`BERT on ${backendName}`, () => {
    for (const name of ['tiny-bert', 'tiny-bert-cls']) {
      it(`${name} matches the torch reference: hidden states, attention, heads`, async () => {
        const dir = join(FIXTURES, 'models', name);
        const golden = readGolden(join(dir, 'golden.json'));
        const loaded = await load(dir);
        if (loaded.modelType !== 'bert') throw new Error('expected BERT');
        const model = loaded.model as Bert<Buf>;
        const V = loaded.config.vocabSize;
        for (const c of golden.cases) {
          const input = { ids: c.input_ids, tokenTypeIds: c.token_type_ids, attentionMask: c.attention_mask };
          const result = await model.forward(input, { saveAttention: true, mlmLogits: model.hasMlmHead });
          const label = `${name}/${c.name}`;
          const hiddenError = maxAbsDiff(result.hidden, flat(c.last_hidden_state));
          report(backendName, label, 'last hidden state', hiddenError);
          expect(hiddenError).toBeLessThan(tolerance);
          const attentionError = Math.max(...result.attentions!.map((probs, l) => maxAbsDiff(probs, flat(c.attentions![l]))));
          report(backendName, label, 'attention probabilities', attentionError);
          expect(attentionError).toBeLessThan(tolerance);
          if (c.pooler_output) expect(maxAbsDiff(pooledOutput(loaded.weights, result.hidden), c.pooler_output)).toBeLessThan(tolerance);
          if (model.hasMlmHead) {
            checkGpt2Case(label, c, result.mlmLogits!, V);
          } else {
            const error = maxAbsDiff(classifierLogits(loaded.weights, result.hidden), flat(c.logits));
            report(backendName, label, 'classifier logits', error);
            expect(error).toBeLessThan(tolerance);
          }
        }
      });
    }
  });

  describe.skipIf(!hasSharedReference || !sharedCheckpoints)(`Hugging Face's own tiny checkpoints on ${backendName}`, () => {
    for (const name of ['fake-gpt2', 'bert-tiniest']) {
      it(`${name} loads and matches the reference`, async () => {
        const golden = readGolden(join(FIXTURES, 'hf-reference-golden', `${name}.json`));
        const loaded = await load(join(SHARED_REFERENCE, name));
        for (const c of golden.cases) {
          if (loaded.modelType === 'gpt2') {
            loaded.model.resetCache();
            const result = await loaded.model.forward(c.input_ids, { logits: 'all', saveAttention: true });
            checkGpt2Case(`${name}/${c.name}`, c, result.logits!, loaded.config.vocabSize, result.attentions);
          } else {
            const input = { ids: c.input_ids, tokenTypeIds: c.token_type_ids, attentionMask: c.attention_mask };
            const result = await loaded.model.forward(input, { saveAttention: true, mlmLogits: true });
            checkGpt2Case(`${name}/${c.name}`, c, result.mlmLogits!, loaded.config.vocabSize, result.attentions);
          }
        }
      }, 600_000); // full 30522- and 50257-wide vocabularies: slow on a CPU-emulated GPU
    }
  });
  if (!hasSharedReference) console.log(`skipped: ../shared/data/hf-reference is absent, so Hugging Face's own checkpoints are not checked`);
}
