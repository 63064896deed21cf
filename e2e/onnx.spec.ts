import { expect, test, type Page } from '@playwright/test';
import { HUB } from './hub';

// The tiny fixture checkpoints (test/fixtures/models) come from the local Hub stand-in started in playwright.config.ts;
// the embedded default models join in once the page lists them.
const TOLERANCE = 1e-3;
const ids = (count: number, vocab: number) => Array.from({ length: count }, (_, i) => (i * 37 + 5) % vocab);

async function compareBoth(page: Page, model: string, vocab: number) {
  await page.evaluate((name) => window.playground.loadModel(name), model);
  for (const provider of ['webgpu', 'wasm'] as const) {
    const result = await page.evaluate(({ input, provider }) => window.playground.compareWithOrt(input, { provider }), { input: ids(12, vocab), provider });
    console.log(`${model} vs ORT ${provider}: logits ${result.maxAbsDiffLogits.toExponential(2)}, attention ${result.maxAbsDiffAttention?.toExponential(2)}, ours ${result.oursMs.toFixed(1)} ms, ORT ${result.ortMs.toFixed(1)} ms`);
    expect(result.provider).toBe(provider);
    expect(result.maxAbsDiffLogits).toBeLessThan(TOLERANCE);
    expect(result.maxAbsDiffAttention).toBeLessThan(TOLERANCE);
  }
}

test('the exported tiny GPT-2 and BERT give our logits and attention in ORT WebGPU and wasm', async ({ page }) => {
  await page.goto(`./?hub=${encodeURIComponent(HUB)}`);
  await compareBoth(page, 'tiny-gpt2', 1000);
  await compareBoth(page, 'tiny-bert', 1000);
  const bytes = await page.evaluate(() => window.playground.exportOnnx().length);
  expect(bytes).toBeGreaterThan(100_000); // tiny-bert's weights, about 0.2 MB
});

test('the embedded default models give our logits in ORT WebGPU and wasm', async ({ page }) => {
  await page.goto('./');
  const models = await page.evaluate(async () => {
    const present = async (source: string) => (await fetch(`${source}config.json`)).headers.get('content-type')?.includes('json');
    const listed = window.playground.models();
    const found = await Promise.all(listed.map((model) => present(model.source)));
    return listed.filter((_, i) => found[i]);
  });
  test.skip(models.length === 0, 'the embedded models are not in this build yet');
  for (const { name, modelType } of models) await compareBoth(page, name, modelType === 'gpt2' ? 50257 : 30522);
});

test('the Compare tab compares, runs the fast CPU mode with attention, and downloads the graph', async ({ page }) => {
  await page.goto(`./?hub=${encodeURIComponent(HUB)}`);
  await page.evaluate(() => window.playground.loadModel('tiny-gpt2'));
  await page.getByRole('tab', { name: 'Compare with ORT' }).click();
  await page.getByRole('button', { name: 'Compare with onnxruntime-web (wasm)' }).click();
  await expect(page.getByTestId('compare-result').locator('tr[data-provider="wasm"]')).toBeVisible({ timeout: 120_000 });

  await page.getByRole('button', { name: 'Run in onnxruntime-web (wasm)' }).click();
  await expect(page.getByTestId('fast-cpu-engine')).toContainText('onnxruntime-web (wasm, CPU)');
  await expect(page.locator('.attention-heatmap canvas')).toBeVisible();

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download .onnx' }).click();
  expect((await download).suggestedFilename()).toBe('gpt2.onnx');
});

test('fast CPU mode: forward passes and fill-mask run in ORT wasm, say so, and agree with our engine', async ({ page }) => {
  await page.goto(`./?hub=${encodeURIComponent(HUB)}&tab=fill-mask`);
  await page.evaluate(() => window.playground.loadModel('tiny-bert'));
  const input = ids(10, 1000);
  const ours = await page.evaluate((i) => window.playground.forward(i).then((r) => ({ engine: r.engine, logits: [...r.logits] })), input);
  const oursMasks = await page.evaluate(() => window.playground.fillMask('the [MASK] of the nation.'));
  await page.getByTestId('fast-cpu-mode').check();
  await expect(page.getByTestId('forward-engine')).toContainText('Forward passes (attention, fill-mask) and generation run on onnxruntime-web (wasm, CPU)');
  const fast = await page.evaluate((i) => window.playground.forward(i).then((r) => ({ engine: r.engine, logits: [...r.logits] })), input);
  expect(ours.engine).toBe('webgpu');
  expect(fast.engine).toBe('onnxruntime-web (wasm, CPU)');
  const diff = Math.max(...fast.logits.map((value, i) => Math.abs(value - ours.logits[i])));
  console.log(`fast CPU mode vs WebGPU: max abs diff logits ${diff.toExponential(2)}`);
  expect(diff).toBeLessThan(TOLERANCE);
  const fastMasks = await page.evaluate(() => window.playground.fillMask('the [MASK] of the nation.'));
  expect(fastMasks.masks[0].predictions.map((p) => p.id)).toEqual(oursMasks.masks[0].predictions.map((p) => p.id));
});

test('fast CPU mode: the Generate tab runs in ORT wasm with its KV cache, says so, and gives our greedy text and table', async ({ page }) => {
  await page.goto(`./?hub=${encodeURIComponent(HUB)}&tab=generate`);
  await page.evaluate(() => window.playground.loadModel('tiny-gpt2'));
  await page.getByTestId('generate-prompt').fill('the cat sat');
  await page.getByLabel(/Max new tokens/).fill('12');
  await page.getByLabel('Temperature').fill('0');
  const run = async () => {
    await page.getByRole('button', { name: 'Generate' }).click();
    await expect(page.getByTestId('generate-status')).toContainText('new tokens', { timeout: 120_000 });
    const table = page.getByRole('table', { name: 'next-token probabilities' });
    const cells = await table.locator('tbody tr').evaluateAll((rows) => rows.map((row) => row.textContent ?? ''));
    return { status: await page.getByTestId('generate-status').textContent(), text: await page.getByTestId('generate-output').textContent(), cells };
  };
  const ours = await run();
  await page.getByTestId('fast-cpu-mode').check();
  const fast = await run();
  expect(ours.status).toContain('12 new tokens on our WebGPU kernels');
  expect(fast.status).toContain('12 new tokens on onnxruntime-web (wasm, CPU)');
  expect(fast.text).toBe(ours.text);
  // The last step's table: the same ten tokens in the same order (probabilities as printed, to the table's digits).
  expect(fast.cells).toHaveLength(10);
  expect(fast.cells).toEqual(ours.cells);
  console.log(`Generate tab, fast CPU mode: "${fast.text}" equals ours; last table row 1: ${fast.cells[0]}`);
});
