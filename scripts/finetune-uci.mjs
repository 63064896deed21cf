// "Learning for real": fine-tunes the embedded BERT on a UCI Sentiment Labelled Sentences file through the
// Fine-tune tab's file upload, and prints the per-epoch table, the held-out accuracy, the steps and the time.
// --mode full trains every parameter on WebGPU (about a second a step on SwiftShader); --mode head trains a fresh
// pooler and classifier on the frozen encoder. Needs `npm run build` and the UCI files (../shared/data/sentiment, or
// --file). The default learning rates suit the small embedded BERT (2 x 128): in 2 epochs every parameter at 1e-4
// barely moves it, 2e-3 learns, 4e-3 diverges.
//   node scripts/finetune-uci.mjs [--file ../shared/data/sentiment/uci-labelled-sentences/yelp_labelled.txt]
//                                 [--mode full|head] [--epochs 2] [--batch 16] [--lr] [--max-length 48]
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { findChromium } from './find-browser.mjs';

const { values: options } = parseArgs({
  options: {
    file: { type: 'string', default: '../shared/data/sentiment/uci-labelled-sentences/yelp_labelled.txt' },
    mode: { type: 'string', default: 'full' },
    epochs: { type: 'string', default: '2' },
    batch: { type: 'string', default: '16' },
    lr: { type: 'string' }, // default: 2e-3 (full), 1e-3 (head)
    'max-length': { type: 'string', default: '48' },
    port: { type: 'string', default: '4192' },
  },
});
if (!existsSync(options.file)) throw new Error(`${options.file} not found: pass --file with a UCI sentiment file (sentence<TAB>0|1).`);
const url = `http://127.0.0.1:${options.port}/`;

async function waitForServer() {
  for (let i = 0; i < 100; i++) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`vite preview did not answer at ${url}: run \`npm run build\` first.`);
}

const server = spawn('npx', ['vite', 'preview', '--port', options.port, '--strictPort'], { stdio: 'ignore', detached: true });
const browser = await chromium.launch({
  executablePath: await findChromium(),
  args: ['--enable-unsafe-webgpu', '--no-sandbox', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  await waitForServer();
  const page = await browser.newPage();
  await page.goto(`${url}?tab=fine-tune&model=playground-bert`);
  await page.getByTestId('model-summary').filter({ hasText: 'playground-bert' }).waitFor({ timeout: 120_000 });
  await page.getByTestId('ft-file').setInputFiles({ name: basename(options.file), mimeType: 'text/tab-separated-values', buffer: readFileSync(options.file) });
  await page.getByTestId('ft-data-summary').waitFor();
  console.log(`data: ${await page.getByTestId('ft-data-summary').textContent()}`);
  await page.getByLabel(options.mode === 'head' ? 'classifier head only (encoder frozen)' : 'every parameter').check();
  const learningRate = options.lr ?? (options.mode === 'head' ? '1e-3' : '2e-3');
  const settings = { epochs: options.epochs, batchSize: options.batch, learningRate, maxLength: options['max-length'] };
  for (const [key, value] of Object.entries(settings)) await page.getByTestId(`ft-${key}`).fill(value);
  const started = Date.now();
  await page.getByTestId('ft-start').click();
  const progress = page.getByTestId('ft-progress');
  let last = '';
  for (;;) {
    const status = await progress.getAttribute('data-status').catch(() => null);
    const line = await page.getByTestId('ft-progress-line').textContent().catch(() => '');
    if (line && line !== last) console.log(line);
    last = line ?? '';
    if (status === 'done' || status === 'failed' || status === 'stopped') break;
    await page.waitForTimeout(15_000);
  }
  const minutes = (Date.now() - started) / 60_000;
  const table = await page.getByTestId('ft-epoch-table').innerText();
  console.log(`\n${table}\n`);
  const initial = await page.evaluate(() => window.playground.currentFineTune()?.initial());
  const epochs = await page.evaluate(() => window.playground.currentFineTune()?.metrics);
  const steps = await page.evaluate(() => window.playground.currentFineTune()?.losses().length);
  const secondsPerStep = steps ? Number(((minutes * 60) / steps).toFixed(2)) : null; // wall time (validation and checkpoints included) over steps
  console.log(JSON.stringify({ file: options.file, mode: options.mode, settings, steps, minutes: Number(minutes.toFixed(1)), secondsPerStep, initial, epochs: epochs?.map(({ epoch, trainingLoss, validationLoss, accuracy }) => ({ epoch, trainingLoss, validationLoss, accuracy })) }));
} finally {
  await browser.close();
  process.kill(-server.pid);
}
