import { expect, test, type Page } from '@playwright/test';
import { HUB } from './hub';

// Fine-tuning journeys on the tiny BERT served by the local Hub stand-in (playwright.config.ts): WebGPU here is
// SwiftShader, so the runs are a few dozen steps on short sentences.

/** A small labelled set in UCI's format whose words the tiny tokenizer knows: "good"/"great" vs "bad"/"not". */
function sentimentTsv(count: number): string {
  const fillers = ['the food was', 'the place was', 'this was', 'it was the', 'food'];
  const positive = ['good', 'great', 'best', 'love'];
  const negative = ['bad', 'not good', 'bad bad', 'not the best'];
  return Array.from({ length: count }, (_, i) => {
    const label = i % 2;
    const words = label ? positive : negative;
    return `${fillers[i % fillers.length]} ${words[(i * 5) % words.length]}.\t${label}`;
  }).join('\n');
}

const SETTINGS = { batchSize: '8', epochs: '3', maxLength: '16', learningRate: '0.05', checkpointEvery: '4' };

async function openWithTinyBert(page: Page) {
  await page.goto(`./?hub=${encodeURIComponent(HUB)}&tab=fine-tune`);
  await expect(page.locator('.device-info')).toHaveAttribute('data-gpu-status', 'ready');
  await page.evaluate(() => window.playground.loadModel('tiny-bert'));
}

test('upload a dataset, train, watch the table and charts fill, pause and resume, export, reload the model, classify', async ({ page }) => {
  await openWithTinyBert(page);
  await page.getByTestId('ft-file').setInputFiles({ name: 'sentiment.tsv', mimeType: 'text/tab-separated-values', buffer: Buffer.from(sentimentTsv(96)) });
  await expect(page.getByTestId('ft-data-summary')).toContainText('96 examples, 2 labels: 0 = 0, 1 = 1');
  await expect(page.getByTestId('ft-preview').locator('tbody tr')).toHaveCount(5);
  await expect(page.getByLabel('every parameter')).toBeChecked(); // a small model starts on every parameter
  await page.getByLabel('classifier head only (encoder frozen)').check();
  for (const [key, value] of Object.entries(SETTINGS)) await page.getByTestId(`ft-${key}`).fill(value);
  await expect(page.getByTestId('ft-memory')).toContainText('AdamW state');
  // Pause from inside the page the moment the progress line first shows a step of epoch 1, with the Pause button
  // (the run's handle if the button has not rendered yet): a step takes milliseconds here, so a poll from the test
  // process can miss epoch 1, or the whole run.
  const pausedLine = page.evaluate(() => new Promise<string>((resolve) => {
    const observer = new MutationObserver(() => {
      const text = document.querySelector('[data-testid="ft-progress-line"]')?.textContent ?? '';
      if (!/step \d+ \/ 33 · epoch 1 \/ 3/.test(text)) return;
      observer.disconnect();
      const pause = Array.from(document.querySelectorAll('button')).find((button) => button.textContent === 'Pause');
      if (pause) pause.click();
      else window.playground.currentFineTune()?.pause();
      resolve(text);
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  }));
  await page.getByTestId('ft-start').click();

  const progress = page.getByTestId('ft-progress');
  expect(await pausedLine).toMatch(/step \d+ \/ 33 · epoch 1 \/ 3 .* tokens\/s · ETA/);
  await expect(progress).toHaveAttribute('data-status', 'paused');
  const pausedAt = Number(await page.getByTestId('ft-loss-chart').getAttribute('data-points'));
  expect(pausedAt).toBeGreaterThan(0);
  await page.waitForTimeout(500);
  expect(Number(await page.getByTestId('ft-loss-chart').getAttribute('data-points'))).toBe(pausedAt);
  await page.getByRole('button', { name: 'Resume', exact: true }).click();
  await expect(progress).toHaveAttribute('data-status', 'done', { timeout: 150_000 });

  await expect(page.getByTestId('ft-epoch-row')).toHaveCount(3);
  await expect(page.getByTestId('ft-loss-chart')).toHaveAttribute('data-points', '33');
  await expect(page.getByTestId('ft-epoch-chart')).toHaveAttribute('data-points', '3');
  await expect(page.getByTestId('ft-confusion').locator('tbody td')).toHaveCount(4);
  const accuracy = Number(await page.getByTestId('ft-epoch-row').last().locator('td').last().textContent());
  console.log(`[finetune e2e] held-out accuracy after 3 epochs (balanced labels, chance 0.5): ${accuracy}`);
  expect(accuracy).toBeGreaterThanOrEqual(0.8);

  await page.getByTestId('ft-classify-input').fill('the food was great.');
  await page.getByRole('button', { name: 'Classify' }).click();
  await expect(page.getByTestId('ft-classify-result')).toContainText('%');
  const before = await page.evaluate(() => window.playground.classify('the food was great.'));

  const downloads: string[] = [];
  page.on('download', (download) => downloads.push(download.suggestedFilename()));
  await page.getByTestId('ft-download').click();
  await expect.poll(() => downloads.sort()).toEqual(['config.json', 'model.safetensors', 'tokenizer.json']);

  await page.getByTestId('ft-load-after').click();
  await expect(page.getByTestId('ft-export-message')).toContainText('after fine-tuning is loaded');
  await expect(page.locator('.model-picker')).toHaveAttribute('data-model-status', 'ready');
  const hidden = await page.evaluate(async () => (await window.playground.forward([2, 10, 3])).logits.length);
  expect(hidden).toBe(3 * 32); // the reloaded BertForSequenceClassification runs (its last hidden states, (T, C))
  expect(await page.evaluate(() => window.playground.classify('the food was great.'))).toEqual(before);
});

test('a run that died mid-way resumes after a reload from its checkpoint with the losses of an uninterrupted run', async ({ page }) => {
  await openWithTinyBert(page);
  const options = { batchSize: 8, epochs: 1, maxLength: 16, learningRate: 0.05, checkpointEvery: 4 };
  const data = sentimentTsv(64);
  const uninterrupted = await page.evaluate(async ({ data, options }) => {
    const handle = await window.playground.fineTune({ task: 'classification', data, options: { hyperparameters: options } });
    const losses: number[] = [];
    handle.on('progress', ({ loss }) => losses.push(loss));
    await handle.metrics;
    const files = await handle.exportFiles();
    const { config } = await window.playground.loadModel(files);
    return { losses, config: config.raw as { id2label: Record<string, string>; architectures: string[] } };
  }, { data, options });
  expect(uninterrupted.losses).toHaveLength(8); // 58 training examples in batches of 8
  expect(uninterrupted.config).toMatchObject({ architectures: ['BertForSequenceClassification'], id2label: { 0: '0', 1: '1' } });

  await page.evaluate(() => window.playground.loadModel('tiny-bert'));
  const runId = await page.evaluate(async ({ data, options }) => {
    const handle = await window.playground.fineTune({ task: 'classification', data, options: { hyperparameters: options } });
    // The page dies right after step 5, before any further checkpoint: the last one on disk is step 4.
    handle.on('progress', ({ step }) => {
      if (step === 5) throw new Error('the tab crashed');
    });
    await handle.metrics.catch(() => undefined);
    return handle.runId;
  }, { data, options });
  await page.reload();

  const saved = page.locator(`[data-run-id="${runId}"]`);
  await expect(saved).toContainText('checkpoint at step 4');
  await saved.getByRole('button', { name: 'Resume from checkpoint' }).click();
  await expect(page.getByTestId('ft-progress')).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  const chartPoints = await page.getByTestId('ft-loss-chart').getAttribute('data-points');
  expect(chartPoints).toBe('8');
  const losses = await page.evaluate(() => window.playground.currentFineTune()?.losses());
  expect(losses).toEqual(uninterrupted.losses);
});

test('every parameter on WebGPU: GPT-2 causal LM lowers held-out perplexity, BERT classification learns', async ({ page }) => {
  await page.goto(`./?hub=${encodeURIComponent(HUB)}&tab=fine-tune`);
  await page.evaluate(() => window.playground.loadModel('tiny-gpt2'));
  const lm = await page.evaluate(async () => {
    const text = 'the cat sat on the mat. the dog sat on the log. the bird sat on the branch. '.repeat(12);
    const handle = await window.playground.fineTune({
      task: 'causal-lm',
      data: text,
      options: { mode: 'full', hyperparameters: { learningRate: 3e-3, batchSize: 4, epochs: 2, maxLength: 16, validationFraction: 0.2, checkpointEvery: 50 } },
    });
    const epochs = await handle.metrics;
    return { before: handle.initial()!.perplexity!, after: epochs.at(-1)!.perplexity! };
  });
  console.log(`tiny-gpt2 causal LM, every parameter: held-out perplexity ${lm.before.toFixed(1)} -> ${lm.after.toFixed(1)}`);
  expect(lm.after).toBeLessThan(lm.before / 2);

  await page.evaluate(() => window.playground.loadModel('tiny-bert-cls'));
  const cls = await page.evaluate(async () => {
    const rows = Array.from({ length: 64 }, (_, i) => (i % 2 ? `the food was good ${i % 5}.\t1` : `the food was bad ${i % 5}.\t0`));
    const handle = await window.playground.fineTune({
      task: 'classification',
      data: rows.join('\n'),
      options: { mode: 'full', hyperparameters: { learningRate: 2e-3, batchSize: 8, epochs: 2, maxLength: 12, validationFraction: 0.25, checkpointEvery: 50 } },
    });
    const epochs = await handle.metrics;
    return { before: handle.initial()!.accuracy!, after: epochs.at(-1)!.accuracy! };
  });
  console.log(`tiny-bert-cls classification, every parameter: held-out accuracy ${cls.before.toFixed(2)} -> ${cls.after.toFixed(2)}`);
  expect(cls.after).toBeGreaterThan(0.8);
});
