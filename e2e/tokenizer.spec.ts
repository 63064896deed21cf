import { expect, test } from '@playwright/test';

const EXAMPLE = 'I love learning about transformers.';
const EXAMPLE_IDS = [101, 1045, 2293, 4083, 2055, 19081, 1012, 102];

function chipIds(page: import('@playwright/test').Page, tokenizer: string) {
  return page.locator(`[data-tokenizer="${tokenizer}"] .chip-id`).allTextContents();
}

test('the tutorial example gives the exact BERT ids in the page and through the API', async ({ page }) => {
  await page.goto(`./?tok=bert-base-uncased,gpt2&text=${encodeURIComponent(EXAMPLE)}`);
  const bertPane = page.locator('[data-tokenizer="bert-base-uncased"]');
  await expect(bertPane.locator('.chip')).toHaveCount(EXAMPLE_IDS.length);
  expect((await chipIds(page, 'bert-base-uncased')).map(Number)).toEqual(EXAMPLE_IDS);
  await expect(bertPane.locator('.chip-special')).toHaveCount(2);

  const encoding = await page.evaluate((text) => window.playground.tokenize(text, 'bert-base-uncased'), EXAMPLE);
  expect(encoding.ids).toEqual(EXAMPLE_IDS);
  expect(encoding.tokens).toEqual(['[CLS]', 'i', 'love', 'learning', 'about', 'transformers', '.', '[SEP]']);
  expect(encoding.offsets).toEqual([[0, 0], [0, 1], [2, 6], [7, 15], [16, 21], [22, 34], [34, 35], [0, 0]]);
  expect(encoding.special).toEqual([true, false, false, false, false, false, false, true]);
});

test('a link with tokenizer and text reproduces the view', async ({ page }) => {
  await page.goto(`./?tok=gpt2&text=${encodeURIComponent('Hello world')}`);
  const gpt2 = page.locator('[data-tokenizer="gpt2"]');
  await expect(gpt2.locator('.chip')).toHaveCount(2);
  await expect(gpt2.locator('.chip-token')).toHaveText(['Hello', 'Ġworld']);
  expect((await chipIds(page, 'gpt2')).map(Number)).toEqual([15496, 995]);
  await expect(page.locator('[data-tokenizer="bert-base-uncased"]')).toHaveCount(0);
  await expect(page.getByTestId('tokenizer-input')).toHaveValue('Hello world');

  // The state survives into the URL after an edit, so copying the address bar reproduces it.
  await page.getByTestId('tokenizer-input').fill('Good morning');
  await expect(page).toHaveURL(/text=Good\+morning/);
});

test('hovering a token highlights its characters in the source text', async ({ page }) => {
  await page.goto(`./?tok=bert-base-uncased&text=${encodeURIComponent(EXAMPLE)}`);
  const chip = page.locator('[data-tokenizer="bert-base-uncased"] .chip').nth(3); // "learning"
  await chip.hover();
  await expect(page.locator('.source-lit')).toHaveText(['learning']);
  await page.locator('.source-piece', { hasText: 'transformers' }).hover();
  await expect(page.locator('[data-tokenizer="bert-base-uncased"] .chip-lit .chip-token')).toHaveText(['transformers']);
});

test('token strings are text, never HTML', async ({ page }) => {
  let dialogs = 0;
  page.on('dialog', async (dialog) => {
    dialogs++;
    await dialog.dismiss();
  });
  const payload = '<img src=x onerror=alert(1)>';
  await page.goto(`./?tok=gpt2&text=${encodeURIComponent(payload)}`);
  await expect(page.locator('[data-tokenizer="gpt2"] .chip').first()).toBeVisible();
  await expect(page.locator('.tokenizer-view img')).toHaveCount(0);
  await expect(page.locator('.source-text')).toContainText(payload);
  expect(dialogs).toBe(0);
});

test('a 100 KB paste tokenizes while the page stays responsive', async ({ page }) => {
  await page.goto('./?tok=bert-base-uncased,gpt2&text=x');
  await expect(page.locator('[data-tokenizer="gpt2"] .chip')).toHaveCount(1);
  const paragraph = 'Transformers read 100 KB of text — naïve café déjà vu, 東京, 🙂 — without freezing the page. ';
  const big = paragraph.repeat(Math.ceil(100_000 / paragraph.length));
  // A heartbeat on the main thread: it keeps ticking while the worker tokenizes, and its longest gap is reported.
  await page.evaluate(() => {
    const w = window as unknown as { ticks: number[] };
    w.ticks = [];
    setInterval(() => w.ticks.push(performance.now()), 10);
  });
  await page.getByTestId('tokenizer-input').fill(big);
  const pasted = await page.evaluate(() => performance.now());
  await expect(page.locator('[data-tokenizer="gpt2"] [data-stat="tokens"]')).not.toHaveText('1', { timeout: 60_000 });
  await expect(page.locator('[data-tokenizer="bert-base-uncased"] [data-stat="tokens"]')).not.toHaveText('3');
  const { ticksWhileTokenizing, maxGap, elapsed } = await page.evaluate((since) => {
    const ticks = (window as unknown as { ticks: number[] }).ticks.filter((t) => t >= since);
    const gaps = ticks.slice(1).map((t, i) => t - ticks[i]);
    return { ticksWhileTokenizing: ticks.length, maxGap: Math.max(0, ...gaps), elapsed: performance.now() - since };
  }, pasted);
  console.log(`100 KB paste: tokenized and drawn in ${elapsed.toFixed(0)} ms; main thread ticked ${ticksWhileTokenizing} times, longest gap ${maxGap.toFixed(0)} ms`);
  const apiCount = await page.evaluate((text) => window.playground.tokenize(text, 'gpt2').then((e) => e.ids.length), big);
  await expect(page.locator('[data-tokenizer="gpt2"] [data-stat="tokens"]')).toHaveText(apiCount.toLocaleString('en-US'));
  await expect(page.locator('[data-tokenizer="gpt2"] .chip')).toHaveCount(600);
  await expect(page.locator('[data-tokenizer="gpt2"]')).toContainText(`Showing the first 600 of ${apiCount.toLocaleString('en-US')} tokens`);
  // A page frozen by tokenization could not run its heartbeat while the worker works.
  expect(ticksWhileTokenizing).toBeGreaterThan(5);
});
