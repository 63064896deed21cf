import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { HUB } from './hub';

// The tiny fixture checkpoints (test/fixtures/models) served by the local Hub stand-in started in playwright.config.ts.
const FIXTURES = 'test/fixtures/models';

async function loadFromHub(page: Page, id: string) {
  await page.getByTestId('model-source').fill(id);
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  // The page may be loading its embedded default at the same time: wait for this model by name.
  await expect(page.getByTestId('model-summary')).toContainText(id, { timeout: 120_000 });
  await expect(page.locator('.model-picker')).toHaveAttribute('data-model-status', 'ready');
}

test('a model loads through the Hub URL layout with download progress and a memory estimate first, and GPU memory is shown', async ({ page }) => {
  await page.route('**/tiny-gpt2/resolve/*/model.safetensors', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1500)); // slow enough to see the progress bar
    await route.continue();
  });
  await page.goto(`./?hub=${encodeURIComponent(HUB)}&tab=generate`);
  await expect(page.locator('.device-info')).toHaveAttribute('data-gpu-status', 'ready');
  await page.getByTestId('model-source').fill('tiny-gpt2');
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await expect(page.getByTestId('load-progress')).toBeVisible();
  // The memory estimate comes from config.json, before the weights have downloaded.
  await expect(page.getByTestId('load-estimate')).toContainText('Needs about');
  await expect(page.getByTestId('model-summary')).toContainText('tiny-gpt2', { timeout: 120_000 });
  await expect(page.getByTestId('model-summary')).toContainText('GPT-2 decoder');
  await expect(page.getByTestId('model-summary')).toContainText('on WebGPU');
  await expect(page.getByTestId('gpu-bytes')).not.toHaveText('0 B');
});

test('the browser engine matches the torch reference on the tiny GPT-2 and BERT', async ({ page }) => {
  await page.goto(`./?hub=${encodeURIComponent(HUB)}`);
  for (const name of ['tiny-gpt2', 'tiny-bert']) {
    const golden = JSON.parse(readFileSync(`${FIXTURES}/${name}/golden.json`, 'utf8'));
    await page.evaluate((id) => window.playground.loadModel(id), name);
    for (const c of golden.cases) {
      const result = await page.evaluate(
        async ({ ids, typeIds }) => {
          const { logits, attentions } = await window.playground.forward(ids, { tokenTypeIds: typeIds });
          return { logits: [...logits], attentions: attentions.map((a) => [...a]) };
        },
        { ids: c.input_ids as number[], typeIds: c.token_type_ids as number[] | undefined },
      );
      if (c.attention_mask?.includes(0)) continue; // the API runs without a padding mask; padded cases are unit-tested
      const V = golden.vocab_size;
      let logitError = 0;
      c.logits.forEach((row: number[], t: number) => row.forEach((value, v) => (logitError = Math.max(logitError, Math.abs(result.logits[t * V + v] - value)))));
      let attentionError = 0;
      if (c.attentions) {
        const expected = (c.attentions as number[][][][]).map((layer) => layer.flat(2));
        expected.forEach((layer, l) => layer.forEach((value, i) => (attentionError = Math.max(attentionError, Math.abs(result.attentions[l][i] - value)))));
      }
      console.log(`${name}/${c.name}: max abs error logits ${logitError.toExponential(2)}, attention ${attentionError.toExponential(2)}`);
      expect(logitError).toBeLessThan(1e-3);
      expect(attentionError).toBeLessThan(1e-4);
    }
  }
});

test('generated text streams into the page', async ({ page }) => {
  await page.goto(`./?hub=${encodeURIComponent(HUB)}&tab=generate`);
  await loadFromHub(page, 'tiny-gpt2');
  await page.getByTestId('generate-prompt').fill('The history of');
  await page.getByLabel(/Max new tokens/).fill('12');
  // Count how often the streamed text changes: one change per token means it streamed.
  await page.evaluate(() => {
    const target = document.querySelector('[data-testid="generate-output"]')!;
    const w = window as unknown as { textChanges: number };
    w.textChanges = 0;
    new MutationObserver(() => w.textChanges++).observe(target, { subtree: true, characterData: true, childList: true });
  });
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByTestId('generate-status')).toContainText('new tokens', { timeout: 120_000 });
  const changes = await page.evaluate(() => (window as unknown as { textChanges: number }).textChanges);
  expect(changes).toBeGreaterThan(1);
  await expect(page.getByRole('table', { name: 'next-token probabilities' }).locator('tbody tr')).toHaveCount(10);

  const viaApi = await page.evaluate(() => window.playground.generate('The history of', { maxNewTokens: 5, temperature: 0 }));
  expect(viaApi.ids).toHaveLength(5);
});

test('fill-mask shows the top predictions for each [MASK]', async ({ page }) => {
  await page.goto(`./?hub=${encodeURIComponent(HUB)}&tab=fill-mask`);
  await loadFromHub(page, 'tiny-bert');
  await page.getByTestId('fill-mask-input').fill('the [MASK] of the nation.');
  await page.getByRole('button', { name: 'Fill mask' }).click();
  const table = page.getByTestId('fill-mask-result');
  await expect(table).toHaveCount(1);
  await expect(table.locator('tbody tr')).toHaveCount(5);
  const result = await page.evaluate(() => window.playground.fillMask('the [MASK] of the [MASK].'));
  expect(result.masks).toHaveLength(2);
  const total = result.masks[0].predictions.reduce((sum, p) => sum + p.probability, 0);
  expect(total).toBeLessThanOrEqual(1 + 1e-6);
  expect(result.masks[0].predictions[0].probability).toBeGreaterThanOrEqual(result.masks[0].predictions[1].probability);
});

test('a model loads from local files', async ({ page }) => {
  await page.goto('./?tab=generate');
  await page.getByTestId('model-files').setInputFiles(['config.json', 'model.safetensors', 'tokenizer.json'].map((f) => `${FIXTURES}/tiny-gpt2/${f}`));
  await expect(page.getByTestId('model-summary')).toContainText('local files', { timeout: 120_000 });
});

test('a missing model says so in plain words', async ({ page }) => {
  await page.goto(`./?hub=${encodeURIComponent(HUB)}`);
  await page.getByTestId('model-source').fill('no-such/model');
  await page.getByRole('button', { name: 'Load', exact: true }).click();
  await expect(page.locator('.model-picker [role="alert"]')).toContainText('no-such/model was not found');
});
