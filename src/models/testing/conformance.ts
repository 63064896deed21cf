// The model conformance suite, run once per backend and once per fixture checkpoint, whatever its family: every golden
// output of the torch reference (logits, attention probabilities, hidden states, pooler, classifier), and for decoders
// KV-cache decoding against full recomputation and greedy decoding. Families join by adding fixtures to MODEL_FIXTURES.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Backend } from '../backend';
import { buildModel, type LoadedModel } from '../checkpoint';
import { FIXTURES, SHARED_REFERENCE, hasSharedReference, maxAbsDiff, pickColumns, readCheckpoint, readGolden, type GoldenCase } from './golden';

/** Fixture checkpoints (test/fixtures/models/<name>, with golden.json) whose family runs in this build. */
export const MODEL_FIXTURES = [
  'tiny-gpt2', 'tiny-gpt2-f16', 'tiny-bert', 'tiny-bert-cls',
  'tiny-distilbert', 'tiny-distilbert-cls', 'tiny-distilbert-sinusoidal', 'tiny-roberta', 'tiny-roberta-cls',
  'tiny-gpt-neox', 'tiny-gpt-neox-sequential', 'tiny-llama', 'tiny-llama-tied', 'tiny-llama-rope-linear', 'tiny-qwen2',
];

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

  function checkLogits(label: string, c: GoldenCase, logits: Float32Array, V: number) {
    const firstColumns = Array.from({ length: c.logits[0].length }, (_, i) => i);
    const error = Math.max(
      maxAbsDiff(pickColumns(logits, V, firstColumns), flat(c.logits)),
      maxAbsDiff(pickColumns(logits, V, c.logits_probe_columns), flat(c.logits_probe)),
    );
    report(backendName, label, 'logits', error);
    expect(error).toBeLessThan(tolerance);
    if (c.logits_full_row && c.logits_full_row_index !== undefined) {
      const row = logits.subarray(c.logits_full_row_index * V, (c.logits_full_row_index + 1) * V);
      expect(maxAbsDiff(row, c.logits_full_row)).toBeLessThan(tolerance);
    }
  }

  function checkAttentions(label: string, c: GoldenCase, attentions: Float32Array[] | undefined) {
    if (!c.attentions) return;
    const error = Math.max(...attentions!.map((probs, l) => maxAbsDiff(probs, flat(c.attentions![l]))));
    report(backendName, label, 'attention probabilities', error);
    expect(error).toBeLessThan(tolerance);
  }

  /** Every case of a golden file on a loaded model, by kind. */
  async function checkCases(name: string, loaded: LoadedModel<Buf>, cases: GoldenCase[]) {
    const { model, config } = loaded;
    const V = config.dims.V;
    for (const c of cases) {
      const label = `${name}/${c.name}`;
      model.resetCache();
      if (loaded.family.kind === 'decoder') {
        const result = await model.forward({ ids: c.input_ids }, { logits: 'all', saveAttention: c.attentions !== undefined });
        checkLogits(label, c, result.logits!, V);
        checkAttentions(label, c, result.attentions);
        continue;
      }
      const input = { ids: c.input_ids, tokenTypeIds: c.token_type_ids, attentionMask: c.attention_mask };
      const { lm, classifier, pooler } = model.heads;
      const result = await model.forward(input, { saveAttention: true, hidden: true, logits: lm ? 'all' : 'none', classify: classifier && !lm, pooled: pooler && c.pooler_output !== undefined });
      const hiddenError = maxAbsDiff(result.hidden!, flat(c.last_hidden_state));
      report(backendName, label, 'last hidden state', hiddenError);
      expect(hiddenError).toBeLessThan(tolerance);
      checkAttentions(label, c, result.attentions);
      if (c.pooler_output) expect(maxAbsDiff(result.pooled!, c.pooler_output)).toBeLessThan(tolerance);
      if (lm) {
        checkLogits(label, c, result.logits!, V);
      } else if (classifier) {
        const error = maxAbsDiff(result.classLogits!, flat(c.logits));
        report(backendName, label, 'classifier logits', error);
        expect(error).toBeLessThan(tolerance);
      }
    }
  }

  describe.each(MODEL_FIXTURES)(`%s on ${backendName}`, (name) => {
    const dir = join(FIXTURES, 'models', name);
    const golden = readGolden(join(dir, 'golden.json'));

    it('matches the torch reference: logits, hidden states, every layer\'s attention, heads', async () => {
      const loaded = await load(dir);
      await checkCases(name, loaded, golden.cases);
      loaded.model.dispose();
    });

    it.runIf(golden.greedy !== undefined)('decodes with the KV cache to the same logits as recomputing the whole sequence', async () => {
      const { model, config } = await load(dir);
      const ids = golden.cases.find((c) => c.input_ids.length > 6)?.input_ids ?? golden.greedy!.prompt_ids;
      const V = config.dims.V;
      const full = (await model.forward({ ids }, { logits: 'all' })).logits!;
      model.resetCache();
      const prefill = 5;
      const rows = [(await model.forward({ ids: ids.slice(0, prefill) }, { logits: 'all' })).logits!];
      for (let t = prefill; t < ids.length; t++) rows.push((await model.forward({ ids: [ids[t]] }, { logits: 'last' })).logits!);
      const stepwise = new Float32Array(ids.length * V);
      let offset = 0;
      for (const row of rows) {
        stepwise.set(row, offset);
        offset += row.length;
      }
      const error = maxAbsDiff(stepwise, full);
      report(backendName, name, 'KV-cache decode vs full recompute', error);
      expect(error).toBeLessThan(tolerance);
      model.dispose();
    });

    it.runIf(golden.greedy !== undefined)('greedy decoding picks the reference\'s tokens', async () => {
      const { model } = await load(dir);
      const { prompt_ids, generated_ids } = golden.greedy!;
      const greedy = { temperature: 0, topK: 0, topP: 1, uniform: 0 };
      const generated: number[] = [];
      let next = (await model.forward({ ids: prompt_ids }, { sample: greedy })).nextId!;
      while (generated.length < generated_ids.length) {
        generated.push(next);
        next = (await model.forward({ ids: [next] }, { sample: greedy })).nextId!;
      }
      expect(generated).toEqual(generated_ids);
      model.dispose();
    });

    it.runIf(golden.greedy !== undefined)('refuses to run past the context limit with a clear message', async () => {
      const { model, config } = await load(dir);
      const tooLong = new Array<number>(config.dims.P + 1).fill(1);
      await expect(model.forward({ ids: tooLong })).rejects.toThrow(new RegExp(`context limit of this model is ${config.dims.P} tokens`));
      model.dispose();
    });
  });

  describe.skipIf(!hasSharedReference || !sharedCheckpoints)(`Hugging Face's own tiny checkpoints on ${backendName}`, () => {
    for (const name of ['fake-gpt2', 'bert-tiniest']) {
      it(`${name} loads and matches the reference`, async () => {
        const golden = readGolden(join(FIXTURES, 'hf-reference-golden', `${name}.json`));
        const loaded = await load(join(SHARED_REFERENCE, name));
        for (const c of golden.cases) {
          loaded.model.resetCache();
          const input = { ids: c.input_ids, tokenTypeIds: c.token_type_ids, attentionMask: c.attention_mask };
          const result = await loaded.model.forward(input, { logits: 'all', saveAttention: true });
          checkLogits(`${name}/${c.name}`, c, result.logits!, loaded.config.dims.V);
          checkAttentions(`${name}/${c.name}`, c, result.attentions);
        }
        loaded.model.dispose();
      }, 600_000); // full 30522- and 50257-wide vocabularies: slow on a CPU-emulated GPU
    }
  });
  if (!hasSharedReference) console.log(`skipped: ../shared/data/hf-reference is absent, so Hugging Face's own checkpoints are not checked`);
}
