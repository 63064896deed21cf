import { readFileSync } from 'node:fs';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { contrastRatio, GRAPHIC_CONTRAST, rgbOf } from '../src/attention/colormaps';
import type {} from '../src/api/playground'; // the window.playground declaration
import { HUB } from './hub';

// Issue 16's attention items (8-11, 18) and issue 13's grouped-query views, on the tiny fixture models of the local Hub
// stand-in. The grouped-query neuron view is checked against the float64 torch reference's attention (golden.json).

async function open(page: Page, model: string) {
  await page.goto(`./?hub=${encodeURIComponent(HUB)}&tab=attention`);
  await expect(page.locator('.device-info')).toHaveAttribute('data-gpu-status', /ready|unavailable/, { timeout: 60_000 });
  await page.evaluate((id) => window.playground.loadModel(id), model);
  await expect(page.getByTestId('model-summary')).toContainText(model);
}

async function showText(page: Page, text: string) {
  await page.getByTestId('attention-text').fill(text);
  await page.getByTestId('attention-run').click();
  await expect(page.getByTestId('attention-panel')).toHaveAttribute('data-status', 'idle');
  await expect.poll(() => page.evaluate(() => window.playground.view?.tokens.length)).toBeGreaterThan(2);
}

async function attach(page: Page, info: TestInfo, name: string) {
  await info.attach(name, { body: await page.getByTestId('attention-panel').screenshot(), contentType: 'image/png' });
}

test('8: the Head picker and the head view agree', async ({ page }, info) => {
  await open(page, 'tiny-gpt2');
  await showText(page, 'The cat sat on the mat.');
  await page.getByTestId('attention-view-head').click();
  await page.getByTestId('attention-head').selectOption('2');
  await expect.poll(() => page.evaluate(() => window.playground.view?.heads)).toEqual([2]);
  await expect(page.getByTestId('attention-line-head-2')).toBeChecked();
  await expect(page.getByTestId('attention-line-head-0')).not.toBeChecked();
  // Ticking another head draws both, and the picker names the one ticked.
  await page.getByTestId('attention-line-head-3').check();
  await expect.poll(() => page.evaluate(() => window.playground.view?.heads)).toEqual([2, 3]);
  await expect(page.getByTestId('attention-head')).toHaveValue('3');
  // Unticking the picker's head hands it to the one left.
  await page.getByTestId('attention-line-head-3').uncheck();
  await expect(page.getByTestId('attention-head')).toHaveValue('2');
  await expect.poll(() => page.evaluate(() => window.playground.view?.heads)).toEqual([2]);
  await attach(page, info, 'head-view');
});

test('9, 10: the neuron view opens on the last token with labelled k and v rows in the table\'s order; labels are decoded, with a raw switch', async ({ page }, info) => {
  await open(page, 'tiny-gpt2');
  await showText(page, 'The cat sat on the mat because it was warm.');
  const T = (await page.evaluate(() => window.playground.view!.T));
  await page.getByTestId('attention-view-neuron').click();
  await expect.poll(() => page.evaluate(() => window.playground.view?.query)).toBe(T - 1);
  await expect(page.getByTestId('attention-query')).toHaveValue(String(T - 1));
  const rows = page.getByTestId('neuron-row');
  await expect(rows).toHaveCount(T); // GPT-2's last token sees every key (fewer than 16 here)
  // Each row is one key: its label, its k and v, its weight; strongest first.
  const described = await rows.evaluateAll((trs) =>
    trs.map((tr) => ({
      key: Number(tr.getAttribute('data-key')),
      weight: Number(tr.getAttribute('data-weight')),
      label: tr.querySelector('th')!.textContent,
      k: tr.querySelector('[data-testid="neuron-k"]')?.getAttribute('aria-label'),
      v: tr.querySelector('[data-testid="neuron-v"]')?.getAttribute('aria-label'),
    })),
  );
  described.slice(1).forEach((row, i) => expect(row.weight).toBeLessThanOrEqual(described[i].weight));
  for (const row of described) {
    const label = row.label!.replace(/^\d+: /, '');
    expect(row.k).toContain(`k of ${JSON.stringify(label)}:`);
    expect(row.v).toContain(`v of ${JSON.stringify(label)}`);
  }
  // Decoded labels by default ("␣c", not the byte-level "Ġc"), the raw pieces one click away.
  const tokens = (await page.evaluate(() => window.playground.view!.tokens));
  const spaced = tokens.findIndex((token) => /^Ġ[a-z]+$/.test(token));
  expect(spaced).toBeGreaterThan(0);
  const decoded = `␣${tokens[spaced].slice(1)}`;
  const picks = page.locator('.attention-token-pick');
  const row = page.locator(`[data-testid="neuron-row"][data-key="${spaced}"] th`);
  await expect(picks.nth(spaced)).toHaveText(decoded);
  await expect(row).toHaveText(`${spaced}: ${decoded}`);
  await page.getByTestId('attention-labels-raw').check();
  await expect(picks.nth(spaced)).toHaveText(tokens[spaced]);
  await expect(row).toHaveText(`${spaced}: ${tokens[spaced]}`);
  await page.getByTestId('attention-labels-decoded').check();
  await attach(page, info, 'neuron-view');
});

test('11: the token chips have a visible label, the heatmap names its axes, generated tokens are marked', async ({ page }, info) => {
  await open(page, 'tiny-gpt2');
  await showText(page, 'Once upon a time');
  const T = await page.evaluate(() => window.playground.view!.T);
  await expect(page.locator('.attention-token-picks-label')).toBeVisible();
  await expect(page.getByRole('group', { name: /Show only these tokens/ })).toBeVisible();
  await expect(page.getByTestId('attention-heatmap-axes')).toHaveText(/Rows: queries ↓ .* columns: keys →/);
  await expect(page.getByTestId('attention-heatmap-title')).toHaveText('Layer 0, head 0');
  await expect(page.getByTestId('attention-generated-note')).toHaveCount(0);
  await page.locator('input[aria-label="New tokens"]').fill('3');
  await page.getByTestId('attention-generate').click();
  await expect.poll(() => page.evaluate(() => window.playground.view?.T), { timeout: 120_000 }).toBe(T + 3);
  await expect(page.getByTestId('attention-panel')).toHaveAttribute('data-status', 'idle');
  await expect(page.getByTestId('attention-generated-note')).toContainText(`Tokens from #${T} (`);
  await expect(page.getByTestId('attention-generated-note')).toContainText('on were generated by the model');
  // The dashed line is drawn in the accent colour at the boundary, between row T - 1 and row T.
  const lineDrawn = await page.evaluate((from) => {
    const canvas = document.querySelector<HTMLCanvasElement>('[data-testid="attention-heatmap"]')!;
    const grid = window.playground.view!.grid!;
    const ratio = canvas.width / canvas.getBoundingClientRect().width;
    // The accent as the canvas drew it (the custom property may be minified to #rgb).
    const probe = document.createElement('canvas').getContext('2d')!;
    probe.fillStyle = getComputedStyle(document.documentElement).getPropertyValue('--accent').trim();
    probe.fillRect(0, 0, 1, 1);
    const hex = Array.from(probe.getImageData(0, 0, 1, 1).data.slice(0, 3));
    const y = Math.round((grid.top + from * grid.cellHeight) * ratio);
    const data = canvas.getContext('2d')!.getImageData(0, y - 1, canvas.width, 3).data;
    let hits = 0;
    for (let i = 0; i < data.length; i += 4) if (Math.abs(data[i] - hex[0]) + Math.abs(data[i + 1] - hex[1]) + Math.abs(data[i + 2] - hex[2]) < 30) hits++;
    return hits;
  }, T);
  expect(lineDrawn).toBeGreaterThan(10);
  await attach(page, info, 'generated-heatmap');
});

test('issue 13: grouped-query attention names each query head\'s kv head; the neuron view reads it and equals the torch reference', async ({ page }, info) => {
  await open(page, 'tiny-llama');
  const golden = JSON.parse(readFileSync('test/fixtures/models/tiny-llama/golden.json', 'utf8')) as { cases: { name: string; input_ids: number[]; attentions: number[][][][] }[] };
  const reference = golden.cases.find((c) => c.name === 'length_16')!;
  await page.evaluate((ids) => window.playground.showAttention({ ids }), reference.input_ids);
  await expect(page.getByTestId('attention-gqa-note')).toHaveText('4 query heads share 2 key/value heads (2 each): grouped-query attention.');
  await expect(page.getByTestId('attention-head').locator('option')).toHaveText(['0 (kv 0)', '1 (kv 0)', '2 (kv 1)', '3 (kv 1)']);
  await page.evaluate(() => window.playground.setAttentionView({ layer: 1, head: 3 }));
  await expect(page.getByTestId('attention-heatmap-title')).toHaveText('Layer 1, head 3 (kv head 1, shared with head 2)');
  await page.getByTestId('attention-view-head').click();
  await expect(page.locator('.attention-head-pick').nth(3)).toContainText('head 3 · kv head 1');

  const T = reference.input_ids.length;
  let largest = 0;
  for (const [layer, head, query] of [[1, 3, T - 1], [1, 2, 7], [0, 1, T - 1], [0, 0, 3]]) {
    await page.evaluate((at) => window.playground.setAttentionView({ view: 'neuron', ...at }), { layer, head, query });
    await expect(page.getByTestId('neuron-head')).toContainText(`Layer ${layer}, query head ${head}: it reads the keys and values of kv head ${Math.floor(head / 2)}, shared with head ${head ^ 1}.`);
    await expect(page.getByTestId('neuron-head')).toContainText('q and k after rotary position embedding');
    const weights = await page.getByTestId('neuron-row').evaluateAll((rows) => rows.map((row) => [Number(row.getAttribute('data-key')), Number(row.getAttribute('data-weight'))]));
    expect(weights).toHaveLength(query + 1);
    for (const [j, w] of weights) largest = Math.max(largest, Math.abs(w - reference.attentions[layer][head][query][j]));
  }
  console.log(`tiny-llama neuron view (q·k of the shared kv head after rotary, softmax) vs torch: max |Δ| ${largest.toExponential(2)}`);
  expect(largest).toBeLessThan(1e-4);
  await attach(page, info, 'gqa-neuron-view');
});

test('18: the model view\'s labels sit by their thumbnails; head colours stand out; dark mode\'s vector strips have no glaring cells', async ({ page }, info) => {
  await open(page, 'tiny-gpt2');
  await showText(page, 'The cat sat on the mat.');
  await page.getByTestId('attention-view-model').click();
  const gap = await page.evaluate(() => {
    const label = document.querySelector('[data-testid="attention-layer-label"]')!.getBoundingClientRect();
    const thumb = document.querySelector('.attention-thumb')!.getBoundingClientRect();
    const view = document.querySelector('[data-testid="attention-model-view"]')!.getBoundingClientRect();
    const grid = document.querySelector('.attention-thumbs')!.getBoundingClientRect();
    return { labelToThumb: thumb.left - label.right, gridLeft: grid.left - view.left, rightRoom: view.right - grid.right };
  });
  expect(gap.labelToThumb).toBeLessThan(16);
  expect(gap.gridLeft).toBeLessThan(4);
  await attach(page, info, 'model-view');

  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.getByTestId('attention-view-head').click();
    for (let head = 1; head < 4; head++) await page.getByTestId(`attention-line-head-${head}`).check();
    const colours = await page.evaluate(() => ({
      panel: getComputedStyle(document.documentElement).getPropertyValue('--panel').trim(),
      swatches: Array.from(document.querySelectorAll<HTMLElement>('.attention-swatch')).map((swatch) => getComputedStyle(swatch).backgroundColor),
    }));
    const panel = rgbOf(colours.panel)!;
    expect(colours.swatches).toHaveLength(4);
    for (const swatch of colours.swatches) expect(contrastRatio(rgbOf(swatch)!, panel)).toBeGreaterThanOrEqual(GRAPHIC_CONTRAST);
    await attach(page, info, `head-view-${scheme}`);
  }

  // Dark mode: a vector strip's zeros are the panel's colour, never white.
  await page.getByTestId('attention-view-neuron').click();
  const brightest = await page.evaluate(() =>
    Math.max(...Array.from(document.querySelectorAll<HTMLCanvasElement>('[data-testid="neuron-k"], [data-testid="neuron-v"], [data-testid="neuron-query"]')).map((canvas) => {
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let max = 0;
      for (let i = 0; i < data.length; i += 4) max = Math.max(max, Math.min(data[i], data[i + 1], data[i + 2]));
      return max;
    })),
  );
  expect(brightest).toBeLessThan(200); // white would be 255 in all three channels
  await attach(page, info, 'neuron-view-dark');
});
