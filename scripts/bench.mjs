// `npm run bench`: builds bench.html (a production build, into a temporary folder), serves it with `vite preview`,
// opens it in Chromium (WebGPU on), runs the benchmark in that one page session, prints the table and writes the
// report to bench-results/bench-<time>.json. Options: --full (the real sizes even on a software adapter; hardware
// adapters get them anyway), --only <regular expression> (the rows whose name matches, e.g. 'GPT-2 124M decode'),
// --timeout-min N (default 60, 180 with --full), --headed.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { build, preview } from 'vite';
import { findChromium } from './find-browser.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : fallback;
};
const full = args.includes('--full');
const timeoutMs = Number(option('--timeout-min', full ? '180' : '60')) * 60_000;

const outDir = mkdtempSync(join(tmpdir(), 'playground-bench-'));
await build({ logLevel: 'warn', build: { outDir, emptyOutDir: true, rollupOptions: { input: { bench: resolve('bench.html') } } } });
const server = await preview({ preview: { port: 0, strictPort: false, open: false }, build: { outDir }, logLevel: 'warn' });
const only = option('--only', undefined);
const url = new URL(`bench.html?run${full ? '&full' : ''}${only ? `&only=${encodeURIComponent(only)}` : ''}`, server.resolvedUrls.local[0]).href;
const browser = await chromium.launch({
  executablePath: await findChromium(),
  headless: !args.includes('--headed'),
  // Precise memory info: the load row's peak JS heap (performance.memory is coarse without it).
  args: ['--enable-unsafe-webgpu', '--enable-precise-memory-info', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
let exitCode = 0;
try {
  const page = await browser.newPage();
  page.on('console', (message) => message.type() === 'error' && console.error(`[page] ${message.text()}`));
  console.log(`bench: ${url}`);
  await page.goto(url);
  let shown = '';
  const progress = setInterval(async () => {
    const text = await page.locator('#bench-status').textContent().catch(() => '');
    if (text && text !== shown) console.log(`bench: ${(shown = text)}`);
  }, 2000);
  await page.waitForFunction(() => window.benchReport || window.benchError, undefined, { timeout: timeoutMs, polling: 1000 });
  clearInterval(progress);
  const { report, error } = await page.evaluate(() => ({ report: window.benchReport, error: window.benchError }));
  if (error) throw new Error(error);
  console.log(`\n${await page.locator('#bench-table').textContent()}\n`);
  mkdirSync('bench-results', { recursive: true });
  const file = join('bench-results', `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2));
  console.log(`bench: report written to ${file}`);
} catch (error) {
  console.error(`bench: ${error instanceof Error ? error.message : error}`);
  exitCode = 1;
} finally {
  await browser.close();
  await server.close();
  rmSync(outDir, { recursive: true, force: true });
}
process.exit(exitCode);
