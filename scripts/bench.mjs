// `npm run bench`: serves the app with Vite, opens bench.html in Chromium (WebGPU on), runs the benchmark in that one
// page session, prints the table and writes the report to bench-results/bench-<time>.json.
// Options: --timeout-min N (default 60), --headed.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { createServer } from 'vite';
import { findChromium } from './find-browser.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : fallback;
};
const timeoutMs = Number(option('--timeout-min', '60')) * 60_000;

const server = await createServer({ server: { port: 0, strictPort: false, open: false }, logLevel: 'warn' });
await server.listen();
const address = server.httpServer.address();
const url = `http://127.0.0.1:${address.port}/bench.html?run`;
const browser = await chromium.launch({
  executablePath: await findChromium(),
  headless: !args.includes('--headed'),
  args: ['--enable-unsafe-webgpu', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
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
}
process.exit(exitCode);
