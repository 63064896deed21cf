import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { HUB } from './hub';

// DistilBERT and RoBERTa in the page, loaded by Hub id from the local stand-in (test/fixtures/models): forward passes
// against the torch reference's goldens (scripts/reference/hf_distilbert.py, hf_roberta.py), classification with the
// checkpoint's own head and id2label names, fill-mask with [MASK] and <mask>, attention shapes, the ORT cross-check.
const FIXTURES = 'test/fixtures/models';
const golden = (name: string) => JSON.parse(readFileSync(`${FIXTURES}/${name}/golden.json`, 'utf8'));
const config = (name: string) => JSON.parse(readFileSync(`${FIXTURES}/${name}/config.json`, 'utf8'));
const softmax = (logits: number[]) => {
  const max = Math.max(...logits);
  const exp = logits.map((value) => Math.exp(value - max));
  const sum = exp.reduce((a, b) => a + b, 0);
  return exp.map((value) => value / sum);
};
const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
};

async function loadFromHub(page: Page, id: string, family: string) {
  await page.getByTestId('model-source').fill(id);
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await expect(page.getByTestId('model-summary')).toContainText(id, { timeout: 120_000 });
  await expect(page.locator('.model-picker')).toHaveAttribute('data-model-status', 'ready');
  await expect(page.getByTestId('model-summary')).toContainText(family);
}

/** Every unpadded golden case through playground.forward: the last hidden states (or MLM logits) and attentions. */
async function checkForward(page: Page, name: string) {
  const { cases } = golden(name);
  const { n_heads: heads, num_attention_heads: numHeads, n_layers: layers, num_hidden_layers: numLayers } = config(name);
  const [H, L] = [heads ?? numHeads, layers ?? numLayers];
  for (const c of cases.filter((c: { attention_mask: number[] }) => !c.attention_mask.includes(0))) {
    const result = await page.evaluate(async (ids) => {
      const { logits, attentions } = await window.playground.forward(ids);
      return { logits: [...logits], attentions: attentions.map((a) => [...a]) };
    }, c.input_ids as number[]);
    const T = c.input_ids.length;
    expect(result.attentions).toHaveLength(L);
    for (const layer of result.attentions) expect(layer).toHaveLength(H * T * T);
    const mlm = c.logits_probe !== undefined;
    let error: number;
    if (mlm) {
      const V = result.logits.length / T;
      const columns: number[] = c.logits_probe_columns;
      const picked = Array.from({ length: T }, (_, t) => columns.map((column) => result.logits[t * V + column])).flat();
      error = maxDiff(picked, c.logits_probe.flat());
    } else {
      error = maxDiff(result.logits, c.last_hidden_state.flat()); // a classifier checkpoint: (T, C) hidden states
    }
    const attentionError = c.attentions ? maxDiff(result.attentions.flat(), c.attentions.flat(3)) : 0;
    console.log(`${name}/${c.name} in the page: ${mlm ? 'MLM logits' : 'hidden states'} max abs error ${error.toExponential(2)}, attention ${attentionError.toExponential(2)}`);
    expect(error).toBeLessThan(1e-3);
    expect(attentionError).toBeLessThan(1e-4);
  }
}

async function compareWithOrt(page: Page, ids: number[]) {
  for (const provider of ['webgpu', 'wasm'] as const) {
    const result = await page.evaluate(({ input, provider }) => window.playground.compareWithOrt(input, { provider }), { input: ids, provider });
    console.log(`vs ORT ${provider}: logits ${result.maxAbsDiffLogits.toExponential(2)}, attention ${result.maxAbsDiffAttention?.toExponential(2)}`);
    expect(result.provider).toBe(provider);
    expect(result.maxAbsDiffLogits).toBeLessThan(1e-4);
    expect(result.maxAbsDiffAttention).toBeLessThan(1e-4);
  }
}

test('tiny-distilbert-cls by Hub id: forward as torch, classify with its NEGATIVE/POSITIVE head, ORT agrees', async ({ page }) => {
  await page.goto(`./?hub=${encodeURIComponent(HUB)}`);
  await loadFromHub(page, 'tiny-distilbert-cls', 'DistilBERT');
  await checkForward(page, 'tiny-distilbert-cls');
  // The golden `single` case written as text: its [MASK] and words tokenize back to the golden ids exactly, so the
  // page's classify must give the softmax of the torch classifier's logits.
  const single = golden('tiny-distilbert-cls').cases.find((c: { name: string }) => c.name === 'single');
  const text = await page.evaluate((ids) => window.playground.decode(ids, 'tiny-distilbert-cls', { skipSpecialTokens: false }), single.input_ids as number[]);
  const sentence = text.replace(/^\[CLS\] /, '').replace(/ \[SEP\]$/, '');
  expect((await page.evaluate((s) => window.playground.tokenize(s, 'tiny-distilbert-cls'), sentence)).ids).toEqual(single.input_ids);
  const result = await page.evaluate((s) => window.playground.classify(s), sentence);
  const expected = softmax(single.logits);
  expect(result.probabilities.map((p) => p.label)).toEqual(['NEGATIVE', 'POSITIVE']);
  const error = maxDiff(result.probabilities.map((p) => p.probability), expected);
  console.log(`tiny-distilbert-cls classify "${sentence}": ${result.label}, probabilities vs torch max abs error ${error.toExponential(2)}`);
  expect(error).toBeLessThan(1e-4);
  expect(result.label).toBe(expected[1] > expected[0] ? 'POSITIVE' : 'NEGATIVE');
  await compareWithOrt(page, single.input_ids);
});

test('tiny-roberta-cls by Hub id: forward as torch, classify with its negative/neutral/positive head, ORT agrees', async ({ page }) => {
  await page.goto(`./?hub=${encodeURIComponent(HUB)}`);
  await loadFromHub(page, 'tiny-roberta-cls', 'RoBERTa');
  await checkForward(page, 'tiny-roberta-cls');
  const result = await page.evaluate(() => window.playground.classify('the food was great', 'the service was slow'));
  expect(result.probabilities.map((p) => p.label)).toEqual(['negative', 'neutral', 'positive']);
  expect(result.probabilities.reduce((sum, p) => sum + p.probability, 0)).toBeCloseTo(1, 6);
  expect(result.label).toBe(result.probabilities.reduce((a, b) => (b.probability > a.probability ? b : a)).label);
  console.log(`tiny-roberta-cls classify: ${result.label} (${result.probabilities.map((p) => `${p.label} ${p.probability.toFixed(4)}`).join(', ')})`);
  await compareWithOrt(page, golden('tiny-roberta-cls').cases[0].input_ids);
});

/**
 * Fill-mask on `text`: the page's predictions are the top 5 of its own forward logits at the mask; the golden mask
 * row (a full vocabulary row) of the forward against torch. (The goldens' random ids do not come back from text.)
 */
async function checkFillMask(page: Page, name: string, text: string, maskToken: string) {
  const encoding = await page.evaluate(({ s, tokenizer }) => window.playground.tokenize(s, tokenizer), { s: text, tokenizer: name });
  const mask = encoding.tokens.findIndex((token) => token.trim() === maskToken); // RoBERTa's <mask> keeps the space it strips
  expect(mask).toBeGreaterThan(0);
  const { masks } = await page.evaluate((s) => window.playground.fillMask(s), text);
  expect(masks.map((m) => m.position)).toEqual([mask]);
  const logits = await page.evaluate((input) => window.playground.forward(input).then((r) => [...r.logits]), encoding.ids);
  const V = logits.length / encoding.ids.length;
  const probabilities = softmax(logits.slice(mask * V, (mask + 1) * V));
  const top = probabilities.map((p, id) => ({ id, p })).sort((a, b) => b.p - a.p).slice(0, 5);
  expect(masks[0].predictions.map((p) => p.id)).toEqual(top.map((t) => t.id));
  expect(maxDiff(masks[0].predictions.map((p) => p.probability), top.map((t) => t.p))).toBeLessThan(1e-5);
  console.log(`${name} fill-mask "${text}": ${masks[0].predictions.map((p) => `${JSON.stringify(p.token)} ${p.probability.toFixed(4)}`).join(', ')}`);
  const single = golden(name).cases.find((c: { name: string }) => c.name === 'single');
  const row = await page.evaluate(({ input, at }) => window.playground.forward(input).then((r) => {
    const width = r.logits.length / input.length;
    return [...r.logits.subarray(at * width, (at + 1) * width)];
  }), { input: single.input_ids as number[], at: single.logits_full_row_index as number });
  const error = maxDiff(row, single.logits_full_row);
  console.log(`${name} ${maskToken} row (V=${row.length}) vs torch: max abs error ${error.toExponential(2)}`);
  expect(error).toBeLessThan(1e-3);
}

test('fill-mask: <mask> on tiny-roberta and [MASK] on tiny-distilbert, from the MLM heads the torch reference has', async ({ page }) => {
  await page.goto(`./?hub=${encodeURIComponent(HUB)}&tab=fill-mask`);
  await loadFromHub(page, 'tiny-roberta', 'RoBERTa');
  await checkForward(page, 'tiny-roberta');
  await checkFillMask(page, 'tiny-roberta', 'The capital of France is <mask>.', '<mask>');
  await loadFromHub(page, 'tiny-distilbert', 'DistilBERT');
  await checkForward(page, 'tiny-distilbert');
  await checkFillMask(page, 'tiny-distilbert', 'the capital of france is [MASK].', '[MASK]');
});

test('the attention view draws DistilBERT and RoBERTa heads at the checkpoints\' shapes', async ({ page }) => {
  await page.goto(`./?hub=${encodeURIComponent(HUB)}&tab=attention`);
  for (const [name, family, ids] of [['tiny-distilbert', 'DistilBERT', [101, 791, 852, 215, 102]], ['tiny-roberta', 'RoBERTa', [0, 312, 942, 697, 2]]] as const) {
    await loadFromHub(page, name, family);
    const view = await page.evaluate((input) => window.playground.showAttention({ ids: input }), [...ids]);
    expect(view?.tokens).toHaveLength(ids.length);
    const matrix = await page.evaluate(() => window.playground.attention({ layer: 1, head: 3 }));
    expect(matrix?.values).toHaveLength(ids.length);
    for (const row of matrix!.values) {
      expect(row).toHaveLength(ids.length);
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5); // bidirectional: every key, no causal mask
    }
    expect(matrix!.masked.flat().some(Boolean)).toBe(false);
  }
});
