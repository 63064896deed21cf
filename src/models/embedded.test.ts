// The embedded default models (public/models) reproduce their model cards' held-out metrics in this app's own
// code: tokenizer, weights loader and forward pass (on the CPU references, so this runs anywhere).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTokenizer } from '../tokenizers/tokenizer';
import { buildModel } from './checkpoint';
import { createCpuBackend } from './cpuBackend';
import { SafetensorsFile } from '../weights/safetensors';

const ROOT = join(__dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path));
const json = <T>(path: string) => JSON.parse(read(path).toString('utf8')) as T;

function load(name: string) {
  return buildModel(createCpuBackend(), {
    config: json(`public/models/${name}/config.json`),
    weights: SafetensorsFile.parse(new Uint8Array(read(`public/models/${name}/model.safetensors`))),
  });
}

describe('the embedded models match their model cards', () => {
  it('playground-gpt2: held-out perplexity as in heldout.json, well below the unigram baseline', async () => {
    const card = json<{ text: string; input_ids: number[]; window: number; perplexity: number; unigram_perplexity: number }>('public/models/playground-gpt2/heldout.json');
    const tokenizer = loadTokenizer(json('public/tokenizers/gpt2/tokenizer.json'));
    expect(tokenizer.encode(card.text).ids).toEqual(card.input_ids);
    const loaded = load('playground-gpt2');
    const { model } = loaded;
    const V = loaded.config.dims.V;
    let nll = 0;
    let scored = 0;
    for (let start = 0; start < card.input_ids.length; start += card.window) {
      const window = card.input_ids.slice(start, start + card.window);
      if (window.length < 2) continue;
      model.resetCache();
      const { logits } = await model.forward({ ids: window }, { logits: 'all' });
      for (let t = 0; t + 1 < window.length; t++) {
        const row = logits!.subarray(t * V, (t + 1) * V);
        const max = row.reduce((a, b) => Math.max(a, b), -Infinity);
        const logSum = Math.log(row.reduce((sum, value) => sum + Math.exp(value - max), 0)) + max;
        nll += logSum - row[window[t + 1]];
        scored++;
      }
    }
    const perplexity = Math.exp(nll / scored);
    console.log(`playground-gpt2 held-out perplexity: app ${perplexity.toFixed(3)}, model card ${card.perplexity}, unigram ${card.unigram_perplexity}`);
    expect(Math.abs(perplexity - card.perplexity) / card.perplexity).toBeLessThan(1e-3);
    expect(perplexity).toBeLessThan(card.unigram_perplexity / 2);
  }, 600_000);

  it('playground-bert: held-out masked-token accuracy as in heldout.json, well above the unigram baseline', async () => {
    interface Sequence { masked_input_ids: number[]; masked_positions: number[]; labels: number[] }
    const card = json<{ text: string; token_ids: number[]; sequences: Sequence[]; masked_accuracy: number; unigram_accuracy: number }>('public/models/playground-bert/heldout.json');
    const tokenizer = loadTokenizer(json('public/tokenizers/bert-base-uncased/tokenizer.json'));
    expect(tokenizer.encode(card.text, { addSpecialTokens: false }).ids).toEqual(card.token_ids);
    const loaded = load('playground-bert');
    const { model } = loaded;
    const V = loaded.config.dims.V;
    let correct = 0;
    let total = 0;
    for (const sequence of card.sequences) {
      const { logits: mlmLogits } = await model.forward({ ids: sequence.masked_input_ids }, { logits: sequence.masked_positions });
      sequence.labels.forEach((label, i) => {
        const row = mlmLogits!.subarray(i * V, (i + 1) * V);
        let best = 0;
        for (let v = 1; v < V; v++) if (row[v] > row[best]) best = v;
        if (best === label) correct++;
        total++;
      });
    }
    const accuracy = correct / total;
    console.log(`playground-bert held-out masked accuracy: app ${accuracy.toFixed(4)} on ${total} positions, model card ${card.masked_accuracy}, unigram ${card.unigram_accuracy}`);
    expect(Math.abs(accuracy - card.masked_accuracy)).toBeLessThanOrEqual(2 / total);
    expect(accuracy).toBeGreaterThan(2 * card.unigram_accuracy);
  }, 600_000);
});

const missing = ['playground-gpt2', 'playground-bert'].filter((name) => !existsSync(join(ROOT, 'public/models', name, 'model.safetensors')));
if (missing.length) throw new Error(`embedded models missing from public/models: ${missing.join(', ')}`);
