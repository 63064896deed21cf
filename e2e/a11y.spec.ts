import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import type {} from '../src/api/playground'; // the window.playground declaration
import { HUB } from './hub';

// Issue 16: an accessibility audit of every tab in light and dark mode (axe-core: no serious or critical
// violations), and no sideways scrolling at 360 and 768 px in any tab or attention view.

/** Every tab of the tab bar, as the page lists them. */
async function tabNames(page: Page): Promise<string[]> {
  return page.getByRole('tablist', { name: 'Sections' }).getByRole('tab').allTextContents();
}

/** Opens a tab and waits until what it loads has settled (the attention tab runs the model on the text). */
async function openTab(page: Page, name: string) {
  await page.getByRole('tablist', { name: 'Sections' }).getByRole('tab', { name, exact: true }).click();
  await expect(page.locator('.model-picker')).toHaveAttribute('data-model-status', 'ready', { timeout: 120_000 });
  if (name === 'Attention') await expect(page.getByTestId('attention-panel')).toHaveAttribute('data-status', 'idle', { timeout: 120_000 });
  await page.waitForTimeout(300);
}

async function openPage(page: Page) {
  await page.goto(`./?hub=${encodeURIComponent(HUB)}`);
  await expect(page.locator('.model-picker')).toHaveAttribute('data-model-status', 'ready', { timeout: 120_000 });
}

test('axe finds no serious or critical violation on any tab, in light and dark mode', async ({ page }) => {
  test.setTimeout(600_000);
  await openPage(page);
  const found: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const name of await tabNames(page)) {
      await openTab(page, name);
      const { violations } = await new AxeBuilder({ page }).analyze();
      const summary = violations.map((v) => `${v.id} (${v.impact}, ${v.nodes.length}): ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join('; ')}`);
      console.log(`axe ${scheme} ${name}: ${summary.length ? summary.join(' | ') : 'no violations'}`);
      found.push(...violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${scheme} ${name}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join('; ')}`));
    }
  }
  expect(found).toEqual([]);
});

test('no tab or attention view scrolls sideways at 360 and 768 px', async ({ page }, info) => {
  test.setTimeout(600_000);
  await openPage(page);
  const wide: string[] = [];
  const check = async (where: string) => {
    const { scrollWidth, width } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, width: window.innerWidth }));
    if (scrollWidth > width) wide.push(`${where}: ${scrollWidth} px wide`);
  };
  for (const width of [360, 768]) {
    await page.setViewportSize({ width, height: 900 });
    for (const name of await tabNames(page)) {
      await openTab(page, name);
      await check(`${width} px ${name}`);
      if (name === 'Attention') {
        for (const view of ['model', 'head', 'neuron', 'stats', 'heatmap']) {
          await page.getByTestId(`attention-view-${view}`).click();
          await expect.poll(() => page.evaluate(() => window.playground.view?.view)).toBe(view);
          await check(`${width} px Attention ${view}`);
        }
      }
      if (width === 360) await info.attach(`${name} at 360 px`, { body: await page.screenshot({ fullPage: true }), contentType: 'image/png' });
    }
  }
  expect(wide).toEqual([]);
});
