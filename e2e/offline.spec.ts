import { expect, test } from '@playwright/test';

// Issue: the page does its main job on a fresh clone with no network. Every request that is not to this machine is
// blocked; the embedded default models must carry the page.
test('offline: the page opens on the embedded models, generates, fills a mask and shows attention', async ({ page }) => {
  const blocked: string[] = [];
  await page.route('**/*', (route) => {
    const { hostname } = new URL(route.request().url());
    if (hostname === '127.0.0.1' || hostname === 'localhost') return route.continue();
    blocked.push(route.request().url());
    return route.abort('internetdisconnected');
  });

  await page.goto('./?tab=generate');
  await expect(page.getByTestId('model-summary')).toContainText('playground-gpt2', { timeout: 120_000 });
  await page.getByTestId('generate-prompt').fill('The people of the United States');
  await page.getByLabel(/Max new tokens/).fill('8');
  await page.getByRole('button', { name: 'Generate' }).click();
  await expect(page.getByTestId('generate-status')).toContainText('new tokens', { timeout: 180_000 });
  expect((await page.getByTestId('generate-output').textContent())!.length).toBeGreaterThan('The people of the United States'.length);

  await page.getByRole('tab', { name: 'Fill mask' }).click();
  await expect(page.getByTestId('model-summary')).toContainText('playground-bert', { timeout: 120_000 });
  await page.getByTestId('fill-mask-input').fill('the president of the united [MASK] spoke to congress.');
  await page.getByRole('button', { name: 'Fill mask' }).click();
  await expect(page.getByTestId('fill-mask-result').locator('tbody tr')).toHaveCount(5, { timeout: 120_000 });

  await page.getByRole('tab', { name: 'Attention' }).click();
  await page.getByRole('button', { name: 'Show attention' }).click();
  await expect
    .poll(() => page.evaluate(() => ({ status: window.playground.view!.status, tokens: window.playground.view!.tokens.length })), { timeout: 120_000 })
    .toEqual({ status: 'idle', tokens: expect.any(Number) });
  await expect.poll(() => page.evaluate(() => window.playground.view!.tokens.length)).toBeGreaterThan(3);
  const matrix = await page.evaluate(() => window.playground.attention({ layer: 0, head: 0 }));
  expect(matrix!.rows.length).toBeGreaterThan(3);
  await page.screenshot({ path: test.info().outputPath('offline-attention.png'), fullPage: true });

  expect(blocked).toEqual([]);
});
