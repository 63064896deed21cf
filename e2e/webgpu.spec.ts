import { expect, test } from '@playwright/test';

test('headless Chromium finds a WebGPU adapter and the status panel shows it', async ({ page }) => {
  await page.goto('./');
  await expect(page.locator('.device-info')).toHaveAttribute('data-gpu-status', 'ready');
  const adapter = await page.evaluate(async () => {
    const found = await navigator.gpu.requestAdapter();
    return found && { vendor: found.info.vendor, architecture: found.info.architecture };
  });
  expect(adapter).not.toBeNull();
  console.log(`WebGPU adapter: ${adapter!.vendor} / ${adapter!.architecture}`);
  await expect(page.locator('.device-info .feature-list li')).toHaveCount(3);
  await expect(page.getByTestId('gpu-bytes')).toBeVisible();
});
