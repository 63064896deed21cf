import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import type {} from '../src/api/playground'; // the window.playground declaration
import { HUB, HUB_CDN } from './hub';

// What a link or a file may make the page do (issue 15): a link to another origin fetches nothing until the person
// confirms; the app refuses to be framed; markup in tokenizers, labels, datasets, attention exports and the URL stays
// text; a render failure in a tab shows its message and a way back.

const FIXTURES = 'test/fixtures/models';
const json = (model: string, file: string) => JSON.parse(readFileSync(`${FIXTURES}/${model}/${file}`, 'utf8')) as Record<string, unknown>;
const hubOrigin = new URL(HUB).origin;

/** Requests the page makes to the Hub stand-in's two origins (as the browser sends them). */
function foreignRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (request) => {
    const url = request.url();
    if (url.startsWith(HUB) || url.startsWith(HUB_CDN)) seen.push(url);
  });
  return seen;
}

const tokenizerUrl = `${HUB}/tiny-bert/resolve/main/tokenizer.json`;
const link = `./?hub=${encodeURIComponent(HUB)}&model=tiny-gpt2&tok=${encodeURIComponent(`gpt2,${tokenizerUrl}`)}&tab=generate`;

test('a link to another origin fetches nothing until the person confirms; then it loads, and that origin is remembered', async ({ page, context, request }) => {
  await request.post(`${HUB}/_admin/reset`);
  const seen = foreignRequests(page);
  await page.goto(link);
  const dialog = page.getByTestId('link-consent');
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId('link-consent-fetch')).toHaveCount(2);
  await expect(dialog).toContainText(`Model tiny-gpt2 from ${hubOrigin}`);
  await expect(dialog).toContainText(`${HUB}/tiny-gpt2/`);
  await expect(dialog).toContainText(`Tokenizer ${tokenizerUrl} from ${hubOrigin}`);
  await expect(dialog).toContainText('config.json');
  // Meanwhile the page works on its own files: the embedded default model, the built-in tokenizer.
  await expect(page.locator('.model-picker')).toHaveAttribute('data-model-status', 'ready', { timeout: 60_000 });
  await expect(page.getByTestId('model-summary')).toContainText('playground-gpt2');
  await page.waitForTimeout(1500);
  expect(seen).toEqual([]);
  expect(await (await request.get(`${HUB}/_admin/log`)).json()).toEqual([]);
  expect(page.url()).toContain('model=tiny-gpt2'); // the link stays as it came until the person answers

  await dialog.getByTestId('link-consent-allow').click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByTestId('model-summary')).toContainText('tiny-gpt2', { timeout: 120_000 });
  await expect(page.locator('.model-picker')).toHaveAttribute('data-model-status', 'ready');
  expect(seen.some((url) => url.includes('/tiny-gpt2/resolve/'))).toBe(true);
  console.log(`before the click: 0 requests to ${hubOrigin}; after it: ${seen.length}`);

  // Remembered: the same link in another tab loads at once.
  const second = await context.newPage();
  await second.goto(link);
  await expect(second.getByTestId('model-summary')).toContainText('tiny-gpt2', { timeout: 120_000 });
  await expect(second.getByTestId('link-consent')).toHaveCount(0);

  // Forgotten again, the question comes back, now with the sizes this browser's cache knows (nothing is asked).
  await second.evaluate(() => localStorage.removeItem('playground.trusted-origins'));
  const third = await context.newPage();
  const thirdSeen = foreignRequests(third);
  await third.goto(link);
  await expect(third.getByTestId('link-consent')).toContainText(/model\.safetensors · [\d.]+ (KiB|MiB)/);
  await expect(third.getByTestId('link-consent')).toContainText(/config\.json · [\d.]+ (B|KiB)/);
  expect(thirdSeen).toEqual([]);
});

test('declining a link loads nothing from it; embedded models, built-in tokenizers and the built-in Hub endpoint never ask', async ({ page, request }) => {
  await request.post(`${HUB}/_admin/reset`);
  const seen = foreignRequests(page);
  await page.goto(link);
  await page.getByTestId('link-consent-deny').click();
  await expect(page.getByTestId('link-consent')).toHaveCount(0);
  await expect(page.getByTestId('model-summary')).toContainText('playground-gpt2', { timeout: 60_000 });
  await page.waitForTimeout(1000);
  expect(seen).toEqual([]);
  expect(await (await request.get(`${HUB}/_admin/log`)).json()).toEqual([]);
  await expect(page.getByTestId('hub-endpoint')).toHaveValue('https://huggingface.co');

  await page.goto('./?model=playground-bert&tok=bert-base-uncased,gpt2&tab=fill-mask');
  await expect(page.getByTestId('model-summary')).toContainText('playground-bert', { timeout: 60_000 });
  await expect(page.getByTestId('link-consent')).toHaveCount(0);

  // A Hub id on the built-in endpoint loads without asking (here the Hub is out of reach, so it fails to load).
  await page.route('https://huggingface.co/**', (route) => route.abort('internetdisconnected'));
  await page.goto('./?model=openai-community%2Fgpt2&tab=generate');
  await expect(page.locator('.model-picker')).toHaveAttribute('data-model-status', 'error', { timeout: 60_000 });
  await expect(page.getByTestId('link-consent')).toHaveCount(0);
});

test('the app cannot be framed from another origin, and its policy names where it may connect', async ({ page, request, baseURL }) => {
  const response = await request.get('./');
  const headers = response.headers();
  const policy = headers['content-security-policy'];
  console.log(`Content-Security-Policy: ${policy}\nX-Frame-Options: ${headers['x-frame-options']}`);
  expect(headers['x-frame-options']).toBe('DENY');
  expect(policy).toContain("frame-ancestors 'none'");
  const connect = policy.split('; ').find((directive) => directive.startsWith('connect-src'))!;
  expect(connect.split(' ').slice(1)).toEqual(expect.arrayContaining(["'self'", 'https://huggingface.co', 'https://*.huggingface.co', hubOrigin]));
  expect(connect).not.toMatch(/ (https?:|\*)( |$)/); // no scheme-wide or wildcard source

  await page.route('http://framer.test/', (route) => route.fulfill({ contentType: 'text/html', body: `<!doctype html><iframe id="app" src="${baseURL}" width="800" height="600"></iframe>` }));
  await page.goto('http://framer.test/');
  await page.waitForTimeout(2000);
  const frame = page.frames().find((candidate) => candidate !== page.mainFrame())!;
  const framed = await frame.evaluate(() => ({ playground: typeof (window as { playground?: unknown }).playground, app: document.querySelector('.app') !== null })).catch(() => ({ playground: 'unreachable', app: false }));
  console.log(`framed from http://framer.test: window.playground ${framed.playground}, app rendered ${framed.app}`);
  expect(framed.playground).not.toBe('object');
  expect(framed.app).toBe(false);
});

const PAYLOADS = [
  '<img src=x onerror="window.__xss=1">',
  '<script>window.__xss=2</script>',
  '"><svg onload="window.__xss=3">',
  "javascript:window.__xss=4",
  '<a href="javascript:window.__xss=5">x</a>',
];

/** No payload ran and none became an element; every one that was shown is there as text. */
async function expectInert(page: Page, where: string) {
  const found = await page.evaluate(() => ({
    ran: (window as { __xss?: unknown }).__xss ?? null,
    elements: document.querySelectorAll('img[src="x"], svg[onload], [onerror], [onload], a[href^="javascript:"], script:not([src])').length,
  }));
  expect(found, where).toEqual({ ran: null, elements: 0 });
}

test('markup in tokenizer vocabularies, added tokens, id2label, CSV cells, attention JSON and the URL text renders inert', async ({ page }) => {
  const dialogs: string[] = [];
  const refused: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('console', (message) => /Refused to (execute|load)/.test(message.text()) && refused.push(message.text()));

  // The URL's text.
  await page.goto(`./?tok=gpt2&text=${encodeURIComponent(PAYLOADS.join(' '))}`);
  await expect(page.locator('[data-tokenizer="gpt2"] .chip').first()).toBeVisible();
  await expect(page.getByTestId('tokenizer-input')).toHaveValue(PAYLOADS.join(' '));
  await expectInert(page, 'URL text');

  // A tokenizer whose vocabulary and added tokens are markup (served from the page's own origin: no question).
  const tokenizer = json('tiny-gpt2', 'tokenizer.json') as { model: { vocab: Record<string, number> }; added_tokens: unknown[] };
  const vocab = Object.entries(tokenizer.model.vocab);
  PAYLOADS.forEach((payload, i) => (tokenizer.model.vocab[payload.replaceAll(' ', 'Ġ')] = vocab.length + i));
  tokenizer.added_tokens.push(...PAYLOADS.map((content, i) => ({ id: vocab.length + PAYLOADS.length + i, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: false })));
  await page.route('**/xss-tokenizer/tokenizer.json', (route) => route.fulfill({ contentType: 'application/json', body: JSON.stringify(tokenizer) }));
  const url = new URL('xss-tokenizer/tokenizer.json', page.url()).href;
  await page.getByPlaceholder('Hub id or tokenizer.json URL').fill(url);
  await page.getByRole('button', { name: 'Add tokenizer' }).click();
  await expect(page.locator(`[data-tokenizer="${url}"] .chip`).first(), (await page.locator(`[data-tokenizer="${url}"]`).textContent().catch(() => '')) ?? '').toBeVisible();
  await expect(page.locator(`[data-tokenizer="${url}"]`)).toContainText(PAYLOADS[0]); // an added token, shown as text
  await expectInert(page, 'tokenizer vocabulary and added tokens');

  // id2label: a classification checkpoint whose labels are markup.
  const labels = [PAYLOADS[0], PAYLOADS[2], PAYLOADS[4]]; // tiny-bert-cls has three
  const config = { ...json('tiny-bert-cls', 'config.json'), id2label: { ...labels }, label2id: Object.fromEntries(labels.map((label, i) => [label, i])) };
  const files: Record<string, Buffer> = {
    'config.json': Buffer.from(JSON.stringify(config)),
    'model.safetensors': readFileSync(`${FIXTURES}/tiny-bert-cls/model.safetensors`),
    'tokenizer.json': readFileSync(`${FIXTURES}/tiny-bert-cls/tokenizer.json`),
  };
  await page.route('**/xss-model/*', (route) => {
    const name = new URL(route.request().url()).pathname.split('/').pop()!;
    return name in files ? route.fulfill({ body: files[name] }) : route.fulfill({ status: 404, body: 'Not found' });
  });
  await page.evaluate((base) => window.playground.loadModel(base), new URL('xss-model/', page.url()).href);
  const classified = await page.evaluate(() => window.playground.classify('the food was good'));
  expect(labels).toContain(classified.label);
  await expectInert(page, 'id2label');

  // CSV cells in the Fine-tune tab's preview (a BERT is loaded: classification).
  await page.getByRole('tab', { name: 'Fine-tune' }).click();
  const csv = ['text,label', ...PAYLOADS.map((payload, i) => `"${payload.replaceAll('"', '""')}","${PAYLOADS[(i + 1) % PAYLOADS.length].replaceAll('"', '""')}"`)].join('\n');
  await page.getByTestId('ft-paste').fill(csv);
  await expect(page.getByTestId('ft-preview')).toContainText(PAYLOADS[0]);
  await expectInert(page, 'CSV cells');

  // An attention export whose tokens are markup, opened in the Attention tab.
  const T = PAYLOADS.length;
  const attention = {
    format: 'transformer-playground/attention@1',
    model: PAYLOADS[1],
    tokens: PAYLOADS,
    special: PAYLOADS.map(() => false),
    causal: true,
    shape: [1, 1, T, T],
    attentions: [[Array.from({ length: T }, (_, i) => Array.from({ length: T }, (_, j) => (j <= i ? 1 / (i + 1) : 0)))]],
  };
  // (Open JSON sits beside a shown tensor: show a plain one first.)
  await page.evaluate(() => window.playground.showAttention({ tokens: ['a', 'b'], attentions: [[1, 0, 0.5, 0.5]], causal: true }));
  await page.getByTestId('attention-import').setInputFiles({ name: 'attention.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(attention)) });
  await expect(page.getByTestId('attention-panel')).toHaveAttribute('data-tokens', String(T));
  await page.evaluate(() => window.playground.setAttentionView({ view: 'head' }));
  await expectInert(page, 'attention JSON');

  expect(dialogs).toEqual([]);
  expect(refused).toEqual([]); // nothing even tried to run as script
});

test('an attention JSON that is not one is refused with its field named; a tab that fails to render shows the message and a way back', async ({ page }) => {
  await page.goto(`./?hub=${encodeURIComponent(HUB)}&tab=attention`);
  await expect(page.getByTestId('attention-panel')).toBeVisible();
  const broken = { format: 'transformer-playground/attention@1', tokens: ['a', 7], special: [false, false], causal: false, shape: [1, 1, 2, 2], attentions: [[[[1, 0], [0.5, 0.5]]]] };
  await page.getByTestId('attention-import').setInputFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(broken)) });
  await expect(page.locator('.attention-export [role="status"]')).toHaveText('broken.json: "tokens" must hold strings: item 1 is 7.');
  await page.getByTestId('attention-import').setInputFiles({ name: 'notes.json', mimeType: 'application/json', buffer: Buffer.from('{"tokens": [') });
  await expect(page.locator('.attention-export [role="status"]')).toContainText('notes.json is not JSON');
  await expect(page.locator('.app-header')).toBeVisible();

  // A render failure: React's own DOM taken away under it, then the Tokenize tab re-rendered.
  await page.getByRole('tab', { name: 'Tokenize' }).click();
  await expect(page.locator('[data-tokenizer="gpt2"] .chip').first()).toBeVisible();
  await page.evaluate(() => document.querySelectorAll('[data-tokenizer="gpt2"] .chip').forEach((chip) => chip.remove()));
  await page.getByTestId('tokenizer-input').fill('x');
  await expect(page.getByTestId('tab-error')).toBeVisible();
  console.log(`the boundary shows: ${await page.getByTestId('tab-error-message').textContent()}`);
  await expect(page.locator('.app-header')).toBeVisible();
  await expect(page.getByTestId('model-summary')).toBeVisible(); // the side panel is untouched
  await page.getByTestId('tab-error-retry').click();
  await expect(page.getByTestId('tab-error')).toHaveCount(0);
  await expect(page.locator('[data-tokenizer="gpt2"] .chip').first()).toBeVisible();
});
