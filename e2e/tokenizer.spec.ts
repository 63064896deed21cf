import { readFileSync } from 'node:fs';
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

// Issues 14-16: decode errors, vocab-only repos, add-tokenizer errors, a 10^9 id, BERT-normalised word rows.
const gpt2Json = () => JSON.parse(readFileSync('public/tokenizers/gpt2/tokenizer.json', 'utf8'));
const bertVocabTxt = () => {
  const vocab: Record<string, number> = JSON.parse(readFileSync('public/tokenizers/bert-base-uncased/tokenizer.json', 'utf8')).model.vocab;
  return `${Object.entries(vocab).sort((a, b) => a[1] - b[1]).map(([token]) => token).join('\n')}\n`;
};

/** Serves a model folder from the test: `files` by name, 404 for every other file. */
async function serveFolder(page: import('@playwright/test').Page, folder: string, files: Record<string, string>) {
  await page.route(`**/${folder}/*`, (route) => {
    const name = new URL(route.request().url()).pathname.split('/').pop() as string;
    return name in files ? route.fulfill({ status: 200, contentType: 'text/plain', body: files[name] }) : route.fulfill({ status: 404, body: 'Not found' });
  });
}

test('decode refuses ids outside the vocabulary, holes and non-integers, naming them', async ({ page }) => {
  await page.goto('./?tok=gpt2&text=x');
  const errors = await page.evaluate(async () => {
    const attempt = (ids: unknown) => window.playground.decode(ids as number[], 'gpt2').then(() => 'resolved', (error: Error) => error.message);
    // eslint-disable-next-line no-sparse-arrays
    return [await attempt([15496, 99999999]), await attempt([-1]), await attempt([1e9]), await attempt([15496, , 995]), await attempt([1.5]), await attempt('15496')];
  });
  expect(errors[0]).toMatch(/Token id 99999999 \(position 1\) is not in this tokenizer's vocabulary \(ids 0 to 50,256\)/);
  expect(errors[1]).toMatch(/Token id -1 at position 0/);
  expect(errors[2]).toMatch(/Token id 1000000000/);
  expect(errors[3]).toMatch(/hole at position 1/);
  expect(errors[4]).toMatch(/Token id 1\.5/);
  expect(errors[5]).toMatch(/decode needs an array/);
  expect(await page.evaluate(() => window.playground.decode([101, 2017, 2323, 1005, 2310, 2589, 2023, 102], 'bert-base-uncased')))
    .toBe("[CLS] you should've done this [SEP]");
  expect(await page.evaluate(() => window.playground.decode([101, 2017, 2323, 1005, 2310, 2589, 2023, 102], 'bert-base-uncased', { skipSpecialTokens: true, cleanUpTokenizationSpaces: false })))
    .toBe("you should ' ve done this");
});

test('the Decode panel rejects non-numeric and out-of-range input with a message', async ({ page }) => {
  await page.goto('./?tok=gpt2&text=x');
  await expect(page.locator('[data-tokenizer="gpt2"] .chip')).toHaveCount(1);
  await page.getByTestId('decode-input').fill('hello, 12');
  await page.getByRole('button', { name: 'Decode' }).click();
  await expect(page.getByTestId('decode-error')).toHaveText(/"hello" is not a token id/);
  await page.getByTestId('decode-input').fill('[15496, 99999999]');
  await page.getByRole('button', { name: 'Decode' }).click();
  await expect(page.getByTestId('decode-error')).toHaveText(/Token id 99999999/);
  await page.getByTestId('decode-input').fill('[15496, 995]');
  await page.getByRole('button', { name: 'Decode' }).click();
  await expect(page.getByTestId('decode-output')).toHaveText('Hello world');
});

test('tokenize options: pairs, type ids, word ids, truncation and padding', async ({ page }) => {
  await page.goto('./?tok=bert-base-uncased&text=x');
  const pair = await page.evaluate(() => window.playground.tokenize('a b', 'bert-base-uncased', { pair: 'c', maxLength: 8, padding: 'max_length' }));
  expect(pair.tokens).toEqual(['[CLS]', 'a', 'b', '[SEP]', 'c', '[SEP]', '[PAD]', '[PAD]']);
  expect(pair.typeIds).toEqual([0, 0, 0, 0, 1, 1, 0, 0]);
  expect(pair.wordIds).toEqual([null, 0, 1, null, 0, null, null, null]);
  expect(pair.attentionMask).toEqual([1, 1, 1, 1, 1, 1, 0, 0]);
  const cut = await page.evaluate(() => window.playground.tokenize('one two three four', 'bert-base-uncased', { truncation: true, maxLength: 4 }));
  expect(cut.tokens).toEqual(['[CLS]', 'one', 'two', '[SEP]']);
  const refused = await page.evaluate(() => window.playground.tokenize('x', 'gpt2', { maxLen: 4 } as never).catch((error: Error) => error.message));
  expect(refused).toMatch(/tokenize has no option "maxLen"/);
});

test('repos with only vocab files tokenize as Hugging Face does (vocab.txt; vocab.json + merges.txt)', async ({ page }) => {
  await serveFolder(page, 'vocab-only-bert', { 'vocab.txt': bertVocabTxt(), 'tokenizer_config.json': JSON.stringify({ do_lower_case: true }) });
  const gpt2 = gpt2Json();
  await serveFolder(page, 'vocab-only-gpt2', {
    'vocab.json': JSON.stringify(gpt2.model.vocab), 'merges.txt': `#version: 0.2\n${gpt2.model.merges.join('\n')}\n`,
  });
  await page.goto('./?tok=gpt2&text=x');
  const bert = await page.evaluate((text) => window.playground.tokenize(text, new URL('vocab-only-bert/', document.baseURI).href), EXAMPLE);
  expect(bert.ids).toEqual(EXAMPLE_IDS);
  const byteLevel = await page.evaluate(() => window.playground.tokenize('Hello world', new URL('vocab-only-gpt2/', document.baseURI).href));
  expect(byteLevel.ids).toEqual([15496, 995]);
  await serveFolder(page, 'empty-repo', {});
  const missing = await page.evaluate(() => window.playground.tokenize('x', new URL('empty-repo/', document.baseURI).href).catch((error: Error) => error.message));
  expect(missing).toMatch(/No tokenizer found at .*empty-repo\/: tokenizer\.json \(HTTP 404\), vocab\.txt \(HTTP 404\)/);
  expect(missing).not.toMatch(/npm install/);
});

test('add-tokenizer errors say what happened, and failed tokenizers leave the Decode list', async ({ page }) => {
  await page.route('https://huggingface.co/**', (route) => route.abort('internetdisconnected'));
  await page.route('**/missing-tokenizer/tokenizer.json', (route) => route.fulfill({ status: 404, body: 'Not found' }));
  await page.goto('./?tok=gpt2&text=x');
  const add = async (name: string) => {
    await page.getByPlaceholder('Hub id or tokenizer.json URL').fill(name);
    await page.getByRole('button', { name: 'Add tokenizer' }).click();
  };
  await add('someone/no-such-model');
  await expect(page.locator('[data-tokenizer="someone/no-such-model"] .error')).toHaveText(/could not reach https:\/\/huggingface\.co/);
  const url = new URL('missing-tokenizer/tokenizer.json', page.url()).href;
  await add(url);
  await expect(page.locator(`[data-tokenizer="${url}"] .error`)).toHaveText(`Tokenizer file not found at ${url} (HTTP 404).`);
  await expect(page.locator('.tokenizer-pane .error', { hasText: 'npm install' })).toHaveCount(0);
  await expect(page.getByTestId('decode-tokenizer').locator('option')).toHaveText(['gpt2']);
});

test('a tokenizer.json with an id of 10^9 is refused quickly and the worker keeps answering', async ({ page }) => {
  const json = gpt2Json();
  json.model.vocab.coming = 1_000_000_000;
  await page.route('**/huge-id/tokenizer.json', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(json) }));
  await page.goto('./?tok=gpt2&text=x');
  // The worker is idle once the page's own tokenizer has answered; the clock then covers fetch, parse and refusal.
  await expect(page.locator('[data-tokenizer="gpt2"] .chip')).toHaveCount(1);
  const { message, elapsed } = await page.evaluate(async () => {
    const started = performance.now();
    const error = await window.playground.tokenize('hello', new URL('huge-id/tokenizer.json', document.baseURI).href).catch((caught: Error) => caught.message);
    return { message: error, elapsed: performance.now() - started };
  });
  console.log(`10^9 id: refused in ${elapsed.toFixed(0)} ms`);
  expect(message).toMatch(/model\.vocab\["coming"\] is 1000000000; token ids must be whole numbers from 0 to 2,097,151/);
  expect(elapsed).toBeLessThan(2000);
  expect((await page.evaluate(() => window.playground.tokenize('hello', 'gpt2'))).ids).toEqual([31373]);
});

test('the word and character rows read the text as BERT\'s normaliser does (café -> cafe)', async ({ page }) => {
  await page.goto(`./?tok=bert-base-uncased&text=${encodeURIComponent('Café naïve')}`);
  const word = page.getByTestId('token-kinds').locator('tr', { hasText: 'whole words of the BERT vocabulary' });
  await expect(word.locator('td.sample')).toHaveText('"cafe" "naive"');
  await expect(word.locator('td.num').nth(2)).toHaveText('0');
  await expect(page.getByTestId('kinds-normalization')).toContainText('here it changed the text');
});
