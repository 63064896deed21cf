import { readFileSync } from 'node:fs';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { colorOf } from '../src/attention/colormaps';
import type {} from '../src/api/playground'; // the window.playground declaration
import { HUB } from './hub';

// The attention explorer on the tiny fixture models (test/fixtures/models, served by the Hub stand-in that
// playwright.config.ts starts). What is drawn is checked against playground.forward, the torch goldens, and
// rollout computed here on the CPU.
const golden = (name: string) => JSON.parse(readFileSync(`test/fixtures/models/${name}/golden.json`, 'utf8'));

type Matrix = number[][];

async function open(page: Page, model: string, query = '') {
  await page.goto(`./?hub=${encodeURIComponent(HUB)}&tab=attention${query}`);
  await page.evaluate((id) => window.playground.loadModel(id), model);
}

async function engineAttention(page: Page, ids: number[], typeIds?: number[]): Promise<number[][]> {
  return page.evaluate(async ({ ids, typeIds }) => {
    const { attentions } = await window.playground.forward(ids, { tokenTypeIds: typeIds });
    return attentions.map((layer) => Array.from(layer));
  }, { ids, typeIds });
}

/** Head h of a flat (H, T, T) layer as rows. */
const headRows = (layer: number[], T: number, h: number): Matrix =>
  Array.from({ length: T }, (_, i) => layer.slice((h * T + i) * T, (h * T + i + 1) * T));

function expectClose(actual: Matrix, expected: Matrix, tolerance: number) {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => row.forEach((value, j) => expect(Math.abs(value - expected[i][j])).toBeLessThanOrEqual(tolerance)));
}

async function shot(page: Page, info: TestInfo, name: string) {
  await page.locator('[data-testid="attention-panel"]').screenshot({ path: info.outputPath(`${name}.png`) });
}

/** Hovers cell (r, c) of the heatmap and returns the tooltip's text. */
async function hoverCell(page: Page, r: number, c: number): Promise<string> {
  const grid = (await page.evaluate(() => window.playground.view?.grid))!;
  await page.getByTestId('attention-heatmap').scrollIntoViewIfNeeded();
  const box = (await page.getByTestId('attention-heatmap').boundingBox())!;
  await page.mouse.move(box.x + grid.left + (c + 0.5) * grid.cellWidth, box.y + grid.top + (r + 0.5) * grid.cellHeight);
  return (await page.getByTestId('attention-tooltip').textContent()) ?? '';
}

/** The canvas pixel at the centre of cell (r, c), RGB. */
function cellPixel(page: Page, r: number, c: number) {
  return page.evaluate(({ r, c }) => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="attention-heatmap"]')!;
    const grid = window.playground.view!.grid!;
    const ratio = canvas.width / canvas.getBoundingClientRect().width;
    const x = Math.floor((grid.left + (c + 0.5) * grid.cellWidth) * ratio);
    const y = Math.floor((grid.top + (r + 0.5) * grid.cellHeight) * ratio);
    return Array.from(canvas.getContext('2d')!.getImageData(x, y, 1, 1).data.slice(0, 3));
  }, { r, c });
}

/** Abnar & Zuidema's rollout, independently: mean over heads, 0.5·A + 0.5·I, rows renormalised, R = Â_l · R. */
function cpuRollout(layers: number[][], H: number, T: number, upTo: number): Matrix {
  let result: Matrix | undefined;
  for (let l = 0; l <= upTo; l++) {
    const hat = Array.from({ length: T }, (_, i) => {
      const row = Array.from({ length: T }, (_, j) => {
        let mean = 0;
        for (let h = 0; h < H; h++) mean += layers[l][(h * T + i) * T + j] / H;
        return 0.5 * mean + (i === j ? 0.5 : 0);
      });
      const sum = row.reduce((a, b) => a + b, 0);
      return row.map((x) => x / sum);
    });
    result = result ? hat.map((row) => result![0].map((_, j) => row.reduce((acc, a, k) => acc + a * result![k][j], 0))) : hat;
  }
  return result!;
}

test('GPT-2: the heatmap draws the engine\'s attention, the goldens agree, hover, rollout, every view', async ({ page }, info) => {
  await open(page, 'tiny-gpt2');
  await page.getByTestId('attention-text').fill('The cat sat on the mat because it was warm.');
  await page.getByTestId('attention-run').click();
  await expect(page.getByTestId('attention-panel')).toHaveAttribute('data-status', 'idle');
  await expect.poll(() => page.evaluate(() => window.playground.view?.tokens.length)).toBeGreaterThan(8);
  const { ids } = (await page.evaluate(() => window.playground.view))!;
  const T = ids!.length;
  const engine = await engineAttention(page, ids!);

  // Every layer and head: what the page shows is the engine's output, and every row sums to 1.
  for (let layer = 0; layer < 2; layer++) {
    for (let head = 0; head < 4; head++) {
      const view = await page.evaluate((at) => window.playground.setAttentionView(at), { layer, head });
      expect([view?.layer, view?.head]).toEqual([layer, head]);
      const shown = (await page.evaluate(() => window.playground.attention()))!;
      expectClose(shown.values, headRows(engine[layer], T, head), 1e-7);
      shown.values.forEach((row) => expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5));
      expect(shown.masked[0][1]).toBe(true);
    }
  }

  // The pixels are the colour map of those weights; the causal region is not.
  const shown = (await page.evaluate(() => window.playground.attention()))!;
  for (const [r, c] of [[3, 1], [T - 1, 0], [T - 1, T - 1]]) {
    expect(await cellPixel(page, r, c)).toEqual(colorOf('viridis', shown.values[r][c], 1));
  }
  expect(await cellPixel(page, 0, T - 1)).not.toEqual(colorOf('viridis', 0, 1));

  // Hover names the token pair and the exact weight.
  const text = await hoverCell(page, 5, 2);
  expect(text).toContain(`${JSON.stringify(shown.rowTokens[5])} (5) → ${JSON.stringify(shown.colTokens[2])} (2): ${shown.values[5][2].toFixed(6)}`);
  expect(await hoverCell(page, 1, 4)).toContain('masked');
  await shot(page, info, 'gpt2-heatmap');

  // The torch golden of the engine issue agrees with what the page draws for its ids.
  const reference = golden('tiny-gpt2').cases.find((c: { name: string }) => c.name === 'short');
  await page.evaluate((ids) => window.playground.showAttention({ ids }), reference.input_ids);
  for (let layer = 0; layer < 2; layer++) {
    for (let head = 0; head < 4; head++) {
      const drawn = (await page.evaluate((at) => window.playground.attention(at), { layer, head }))!;
      expectClose(drawn.values, reference.attentions[layer][head], 1e-4);
    }
  }

  // Rollout through the last layer equals the CPU computation; mean and max too.
  const refIds = reference.input_ids as number[];
  const refEngine = await engineAttention(page, refIds);
  await page.evaluate(() => window.playground.setAttentionView({ reduction: 'rollout', layer: 1 }));
  expectClose((await page.evaluate(() => window.playground.attention()))!.values, cpuRollout(refEngine, 4, refIds.length, 1), 1e-5);
  await page.evaluate(() => window.playground.setAttentionView({ reduction: 'mean', layer: 0 }));
  const mean = (await page.evaluate(() => window.playground.attention()))!.values;
  expect(Math.abs(mean[4][2] - [0, 1, 2, 3].reduce((a, h) => a + refEngine[0][(h * 12 + 4) * 12 + 2] / 4, 0))).toBeLessThan(1e-6);
  await shot(page, info, 'gpt2-mean');
  await page.evaluate(() => window.playground.setAttentionView({ reduction: 'head' }));

  // Model view: a thumbnail per head; clicking one opens it.
  await page.getByTestId('attention-view-model').click();
  await expect(page.locator('.attention-thumb')).toHaveCount(8);
  await expect(page.locator('.attention-thumb canvas[data-drawn="true"]')).toHaveCount(8);
  await shot(page, info, 'gpt2-model-view');
  await page.locator('.attention-thumb[data-layer="1"][data-head="2"]').click();
  await expect.poll(() => page.evaluate(() => [window.playground.view?.view, window.playground.view?.layer, window.playground.view?.head])).toEqual(['heatmap', 1, 2]);

  // Head view: hovering a query token says where it attends.
  await page.getByTestId('attention-view-head').click();
  await page.getByTestId('attention-head-canvas').scrollIntoViewIfNeeded();
  const canvas = (await page.getByTestId('attention-head-canvas').boundingBox())!;
  await page.mouse.move(canvas.x + 60, canvas.y + 4 + 18 * 3.5);
  await expect(page.getByTestId('attention-head-readout')).toContainText('attends to');
  await page.mouse.move(canvas.x + canvas.width - 40, canvas.y + 4 + 18 * 1.5);
  await expect(page.getByTestId('attention-head-readout')).toContainText('is attended by');
  await shot(page, info, 'gpt2-head-view');

  // Neuron view: the softmax of q·k / √d equals the engine's attention row.
  await page.evaluate(() => window.playground.setAttentionView({ view: 'neuron', layer: 1, head: 2, query: 6 }));
  const weights = await page.getByTestId('neuron-row').evaluateAll((rows) => rows.map((row) => [Number(row.getAttribute('data-key')), Number(row.getAttribute('data-weight'))]));
  expect(weights.length).toBe(7);
  for (const [j, w] of weights) expect(Math.abs(w - refEngine[1][(2 * 12 + 6) * 12 + j])).toBeLessThan(1e-5);
  await shot(page, info, 'gpt2-neuron-view');

  // Statistics: sortable by entropy.
  await page.getByTestId('attention-view-stats').click();
  await page.getByTestId('sort-entropy').click();
  const entropies = await page.locator('[data-testid="attention-stats"] tbody tr td:nth-child(3)').allTextContents();
  expect(entropies.map(Number)).toEqual([...entropies.map(Number)].sort((a, b) => b - a));
  await shot(page, info, 'gpt2-stats');
});

test('GPT-2: generation grows the attention one row per new token', async ({ page }, info) => {
  await open(page, 'tiny-gpt2');
  await page.getByTestId('attention-text').fill('Once upon a time');
  await page.getByTestId('attention-run').click();
  await expect(page.getByTestId('attention-panel')).toHaveAttribute('data-status', 'idle');
  const promptLength = (await page.evaluate(() => window.playground.view!.T));
  // Every status and size the panel takes while generating.
  await page.evaluate(() => {
    const panel = document.querySelector('[data-testid="attention-panel"]')!;
    const seen: string[] = ((window as unknown as { seen: string[] }).seen = []);
    new MutationObserver(() => seen.push(`${panel.getAttribute('data-status')} ${panel.getAttribute('data-tokens')}`)).observe(panel, { attributes: true });
  });
  await page.locator('input[aria-label="New tokens"]').fill('3');
  await page.getByTestId('attention-generate').click();
  await expect.poll(() => page.evaluate(() => (window as unknown as { seen: string[] }).seen.at(-1)), { timeout: 120_000 }).toBe(`idle ${promptLength + 3}`);
  const seen = await page.evaluate(() => (window as unknown as { seen: string[] }).seen);
  // The prompt's rows, then one more row for each token fed back; the last token's row comes with the final pass.
  for (let step = 0; step < 3; step++) expect(seen).toContain(`generating ${promptLength + step}`);
  const view = (await page.evaluate(() => window.playground.view))!;
  expect(view.T).toBe(promptLength + 3);
  const engine = await engineAttention(page, view.ids!);
  const shown = (await page.evaluate(() => window.playground.attention({ layer: 1, head: 0 })))!;
  expectClose(shown.values, headRows(engine[1], view.T, 0), 1e-6);
  await shot(page, info, 'gpt2-generated');
});

test('BERT sentence pair: goldens, hidden specials renormalised, A -> B filter, exports round-trip, dark mode', async ({ page }, info) => {
  await open(page, 'tiny-bert');
  const pair = golden('tiny-bert').cases.find((c: { name: string }) => c.name === 'pair');
  const T = pair.input_ids.length;
  await page.evaluate(({ ids, typeIds }) => window.playground.showAttention({ ids, typeIds }), { ids: pair.input_ids, typeIds: pair.token_type_ids });
  const engine = await engineAttention(page, pair.input_ids, pair.token_type_ids);
  for (let layer = 0; layer < 2; layer++) {
    for (let head = 0; head < 4; head++) {
      const drawn = (await page.evaluate((at) => window.playground.attention(at), { layer, head }))!;
      expectClose(drawn.values, headRows(engine[layer], T, head), 1e-7);
      expectClose(drawn.values, pair.attentions[layer][head], 1e-4);
    }
  }
  await page.evaluate(() => window.playground.setAttentionView({ layer: 1, head: 3 }));
  const full = (await page.evaluate(() => window.playground.attention()))!;
  expect(await hoverCell(page, 2, 7)).toContain(`(2) → ${JSON.stringify(full.colTokens[7])} (7): ${full.values[2][7].toFixed(6)}`);
  await shot(page, info, 'bert-heatmap');

  // Hiding [CLS] and [SEP]: rows sum to 1 again, each weight divided by what the kept keys had.
  await page.getByTestId('attention-hide-special').check();
  const hidden = (await page.evaluate(() => window.playground.attention()))!;
  expect(hidden.rowTokens).not.toContain('[CLS]');
  hidden.values.forEach((row, r) => {
    expect(Math.abs(row.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-5);
    const i = hidden.rows[r];
    const kept = hidden.cols.reduce((a, j) => a + full.values[i][j], 0);
    row.forEach((value, c) => expect(Math.abs(value - full.values[i][hidden.cols[c]] / kept)).toBeLessThan(1e-6));
  });
  await page.getByTestId('attention-hide-special').uncheck();

  // A -> B: first-segment queries, second-segment keys, weights as in the full matrix.
  await page.getByTestId('attention-pair-filter').selectOption('a-to-b');
  const aToB = (await page.evaluate(() => window.playground.attention()))!;
  expect(aToB.rows).toEqual([0, 1, 2, 3, 4, 5]);
  expect(aToB.cols).toEqual([6, 7, 8, 9, 10, 11, 12]);
  expect(aToB.values[1][2]).toBe(full.values[1][8]);
  await shot(page, info, 'bert-a-to-b');
  await page.getByTestId('attention-pair-filter').selectOption('b-to-a');
  expect((await page.evaluate(() => window.playground.attention()))!.rows).toEqual([6, 7, 8, 9, 10, 11, 12]);
  await page.getByTestId('attention-pair-filter').selectOption('all');

  // PNG export: the file decodes to the canvas's own pixels.
  const [png] = await Promise.all([page.waitForEvent('download'), page.getByTestId('attention-export-png').click()]);
  const pngBytes = readFileSync((await png.path())!);
  expect([...pngBytes.subarray(1, 4)].map((b) => String.fromCharCode(b)).join('')).toBe('PNG');
  const samePixels = await page.evaluate(async (bytes) => {
    const bitmap = await createImageBitmap(new Blob([new Uint8Array(bytes)], { type: 'image/png' }));
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="attention-heatmap"]')!;
    const copy = new OffscreenCanvas(bitmap.width, bitmap.height).getContext('2d')!;
    copy.drawImage(bitmap, 0, 0);
    const a = copy.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const b = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    return bitmap.width === canvas.width && a.every((value, i) => value === b[i]);
  }, [...pngBytes]);
  expect(samePixels).toBe(true);

  // JSON export: the engine's tensor exactly; opening it again shows the same matrix.
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByTestId('attention-export-json').click()]);
  const jsonPath = (await json.path())!;
  const exported = JSON.parse(readFileSync(jsonPath, 'utf8'));
  expect(exported.shape).toEqual([2, 4, T, T]);
  expect(exported.typeIds).toEqual(pair.token_type_ids);
  const asFloat32 = (head: Matrix) => head.map((row) => row.map(Math.fround));
  exported.attentions.forEach((layer: Matrix[], l: number) => layer.forEach((head, h) => expectClose(asFloat32(head), headRows(engine[l], T, h), 0)));
  await page.getByTestId('attention-import').setInputFiles(jsonPath);
  await expect(page.locator('.attention-export [role="status"]')).toContainText('Showing');
  expectClose((await page.evaluate(() => window.playground.attention({ layer: 1, head: 3 })))!.values, full.values, 0);

  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.getByTestId('attention-heatmap')).toBeVisible();
  await shot(page, info, 'bert-heatmap-dark');
});

test('BERT: every view opens for a text pair typed in the page', async ({ page }, info) => {
  await open(page, 'tiny-bert');
  await page.getByTestId('attention-text').fill('the cat sat on the mat.');
  await page.getByTestId('attention-pair').fill('it was warm.');
  await page.getByTestId('attention-run').click();
  await expect(page.getByTestId('attention-panel')).toHaveAttribute('data-status', 'idle');
  await expect(page.getByTestId('attention-pair-filter')).toBeVisible();
  for (const view of ['model', 'head', 'neuron', 'stats'] as const) {
    await page.getByTestId(`attention-view-${view}`).click();
    await expect.poll(() => page.evaluate(() => window.playground.view?.view)).toBe(view);
    if (view === 'neuron') await expect(page.getByTestId('neuron-difference')).toContainText('e-');
    await shot(page, info, `bert-${view}-view`);
  }
});

test('a shared URL reopens the same model, text, view, layer and head', async ({ page, context }) => {
  await open(page, 'tiny-gpt2');
  await page.getByTestId('attention-text').fill('Shared links keep the view');
  await page.getByTestId('attention-run').click();
  await expect(page.getByTestId('attention-panel')).toHaveAttribute('data-status', 'idle');
  await page.evaluate(() => window.playground.setAttentionView({ view: 'heatmap', layer: 1, head: 3 }));
  await expect(page).toHaveURL(/model=tiny-gpt2/);
  await expect(page).toHaveURL(/layer=1&head=3/);
  const before = (await page.evaluate(() => window.playground.attention()))!;

  const second = await context.newPage();
  await second.goto(page.url());
  await expect(second.getByTestId('attention-panel')).toHaveAttribute('data-status', 'idle', { timeout: 120_000 });
  await expect.poll(() => second.evaluate(() => window.playground.view?.tokens.length)).toBe(before.rows.length);
  const after = (await second.evaluate(() => window.playground.attention()))!;
  expect([after.layer, after.head]).toEqual([1, 3]);
  expect(await second.evaluate(() => window.playground.view?.view)).toBe('heatmap');
  expectClose(after.values, before.values, 1e-7);
});
