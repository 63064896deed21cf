import { readFileSync } from 'node:fs';
import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { HUB, HUB_CDN } from './hub';

// Hub checkpoints as people find them, through the stand-in Hub (scripts/hub-server.mjs, started by
// playwright.config.ts on 4180 with its CDN on 4181) over the fixtures of scripts/reference/make_bin_fixtures.py.
// Logits are checked against goldens of the float64 torch reference (scripts/reference/hf_models.py) for the same
// weights: tiny-gpt2's .bin and shards hold tiny-gpt2's weights, and so on.
const CDN = HUB_CDN;
const GRANTED = 'hf_hubtest_granted';

interface HubRequest {
  origin: 'hub' | 'cdn';
  method: string;
  path: string;
  range: string | null;
  authorization: boolean;
  status: number;
}

interface GoldenCase {
  name: string;
  input_ids: number[];
  token_type_ids?: number[];
  attention_mask?: number[];
  logits: number[][];
}

const golden = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as { vocab_size: number; cases: GoldenCase[] };
const GPT2 = 'test/fixtures/models/tiny-gpt2/golden.json';
const GPT2_F16 = 'test/fixtures/models/tiny-gpt2-f16/golden.json';
const BERT = 'test/fixtures/models/tiny-bert/golden.json';
const BERT_F16 = 'test/fixtures/hub/hub-test/tiny-bert-bin-f16/golden.json';

async function admin(request: APIRequestContext, action: string, body: unknown = {}) {
  const response = await request.post(`${HUB}/_admin/${action}`, { data: body });
  expect(response.ok(), await response.text()).toBe(true);
}

async function hubLog(request: APIRequestContext): Promise<HubRequest[]> {
  return (await request.get(`${HUB}/_admin/log`)).json();
}

async function openApp(page: Page) {
  await page.goto(`./?hub=${encodeURIComponent(HUB)}`);
  await expect(page.locator('.device-info')).toHaveAttribute('data-gpu-status', /ready|unavailable/, { timeout: 60_000 });
}

async function loadThroughPanel(page: Page, id: string, { revision = '', token = '' } = {}) {
  await page.getByTestId('hub-revision').fill(revision);
  await page.getByTestId('hub-token').fill(token);
  await page.getByTestId('model-source').fill(id);
  await page.getByRole('button', { name: 'Load', exact: true }).click();
}

async function expectLoaded(page: Page, name: string) {
  await expect(page.getByTestId('model-summary')).toContainText(name, { timeout: 120_000 });
  await expect(page.locator('.model-picker')).toHaveAttribute('data-model-status', 'ready');
}

/** Max abs logit error over every golden case without padding, through window.playground.forward. */
async function maxLogitError(page: Page, goldenPath: string): Promise<number> {
  const { vocab_size: V, cases } = golden(goldenPath);
  let worst = 0;
  for (const c of cases) {
    if (c.attention_mask?.includes(0)) continue; // the API runs without a padding mask
    const logits = await page.evaluate(
      async ({ ids, typeIds }) => [...(await window.playground.forward(ids, { tokenTypeIds: typeIds })).logits],
      { ids: c.input_ids, typeIds: c.token_type_ids },
    );
    c.logits.forEach((row, t) => row.forEach((value, v) => (worst = Math.max(worst, Math.abs(logits[t * V + v] - value)))));
  }
  return worst;
}

test.beforeEach(async ({ request }) => {
  await admin(request, 'reset');
});

test('a .bin-only GPT-2 with its head tied to wte storage and attn.bias buffers matches the torch reference', async ({ page, request }) => {
  await openApp(page);
  await loadThroughPanel(page, 'hub-test/tiny-gpt2-bin');
  await expectLoaded(page, 'hub-test/tiny-gpt2-bin');
  const error = await maxLogitError(page, GPT2);
  console.log(`tiny-gpt2-bin: max abs logit error ${error.toExponential(2)}`);
  expect(error).toBeLessThan(1e-3);
  const log = await hubLog(request);
  // The .bin came from the CDN through the Hub's redirect, pinned to the commit the model info named.
  const commit = /\/resolve\/([0-9a-f]{40})\//.exec(log.find((r) => r.path.endsWith('/config.json'))!.path)![1];
  expect(log.some((r) => r.origin === 'hub' && r.path === `/hub-test/tiny-gpt2-bin/resolve/${commit}/pytorch_model.bin` && r.status === 302)).toBe(true);
  expect(log.some((r) => r.origin === 'cdn' && r.method === 'GET' && r.status === 200)).toBe(true);
});

test('an f16 .bin BERT with int64 position_ids and tied decoder matches the reference on its f16 weights', async ({ page }) => {
  await openApp(page);
  await loadThroughPanel(page, 'hub-test/tiny-bert-bin-f16');
  await expectLoaded(page, 'hub-test/tiny-bert-bin-f16');
  const error = await maxLogitError(page, BERT_F16);
  console.log(`tiny-bert-bin-f16: max abs logit error ${error.toExponential(2)}`);
  expect(error).toBeLessThan(1e-3);
});

test('sharded checkpoints load: safetensors shards and .bin shards', async ({ page }) => {
  await openApp(page);
  for (const [id, goldenPath] of [
    ['hub-test/tiny-bert-sharded', BERT],
    ['hub-test/tiny-gpt2-sharded-bin', GPT2],
  ] as const) {
    await loadThroughPanel(page, id);
    await expectLoaded(page, id);
    const error = await maxLogitError(page, goldenPath);
    console.log(`${id}: max abs logit error ${error.toExponential(2)}`);
    expect(error).toBeLessThan(1e-3);
  }
});

test('a gated repo is refused without a token, naming why', async ({ page }) => {
  await openApp(page);
  await loadThroughPanel(page, 'hub-test/gated-gpt2');
  await expect(page.getByRole('alert')).toContainText(
    `hub-test/gated-gpt2 is a gated model: accept its conditions on ${HUB}/hub-test/gated-gpt2 and give an access token (none was given)`,
  );
  await loadThroughPanel(page, 'hub-test/private-gpt2');
  await expect(page.getByRole('alert')).toContainText(
    `hub-test/private-gpt2 was not found on ${HUB}: it does not exist, or it is private and no access token was given`,
  );
});

test('a gated repo loads with the token from the panel, which never leaves the Hub origin', async ({ page, request }) => {
  await openApp(page);
  await loadThroughPanel(page, 'hub-test/gated-gpt2', { token: 'hf_hubtest_not_granted' });
  await expect(page.getByRole('alert')).toContainText('the access token given has not been granted access');
  await admin(request, 'clear-log');
  await loadThroughPanel(page, 'hub-test/gated-gpt2', { token: GRANTED });
  await expectLoaded(page, 'hub-test/gated-gpt2');
  expect(await maxLogitError(page, GPT2)).toBeLessThan(1e-3);
  const log = await hubLog(request);
  // CORS preflights (OPTIONS) never carry credentials, by design: every request proper to the Hub origin does.
  expect(log.filter((r) => r.origin === 'hub' && r.method !== 'OPTIONS').every((r) => r.authorization)).toBe(true);
  expect(log.filter((r) => r.origin === 'cdn').every((r) => !r.authorization)).toBe(true);
  expect(log.every((r) => !r.path.includes(GRANTED))).toBe(true);
  const stored = await page.evaluate(async () => {
    const keys = await (await caches.open('transformer-playground-models')).keys();
    return keys.map((key) => key.url).join(' ') + JSON.stringify(localStorage);
  });
  expect(stored).not.toContain(GRANTED);
});

test('id@revision loads tags and pull-request refs, and names a revision that does not exist', async ({ page }) => {
  await openApp(page);
  await loadThroughPanel(page, 'hub-test/moving-gpt2@v2');
  await expectLoaded(page, 'hub-test/moving-gpt2@v2');
  expect(await maxLogitError(page, GPT2_F16)).toBeLessThan(1e-3); // the tag points at the f16 snapshot
  await loadThroughPanel(page, 'hub-test/moving-gpt2@refs/pr/1');
  await expectLoaded(page, 'hub-test/moving-gpt2@refs/pr/1');
  expect(await maxLogitError(page, GPT2_F16)).toBeLessThan(1e-3);
  await loadThroughPanel(page, 'hub-test/moving-gpt2@no-such-tag');
  await expect(page.getByRole('alert')).toContainText('hub-test/moving-gpt2 has no revision "no-such-tag"');
});

test('the revision field applies to ids without @revision', async ({ page }) => {
  await openApp(page);
  await loadThroughPanel(page, 'hub-test/moving-gpt2', { revision: 'v2' });
  await expectLoaded(page, 'hub-test/moving-gpt2@v2');
  expect(await maxLogitError(page, GPT2_F16)).toBeLessThan(1e-3);
});

test('a branch moved between two page loads: the second load revalidates and uses the new weights', async ({ page, request }) => {
  await openApp(page);
  await loadThroughPanel(page, 'hub-test/moving-gpt2');
  await expectLoaded(page, 'hub-test/moving-gpt2');
  expect(await maxLogitError(page, GPT2)).toBeLessThan(1e-3);
  await admin(request, 'refs', { repo: 'hub-test/moving-gpt2', ref: 'main', snapshot: 'second' });
  await page.reload();
  await expect(page.locator('.device-info')).toHaveAttribute('data-gpu-status', /ready|unavailable/, { timeout: 60_000 });
  await loadThroughPanel(page, 'hub-test/moving-gpt2');
  await expectLoaded(page, 'hub-test/moving-gpt2');
  expect(await maxLogitError(page, GPT2_F16)).toBeLessThan(1e-3);
  // Both commits are in the cache panel, each deletable.
  await page.getByTestId('cache-panel').locator('summary').click();
  const rows = page.getByTestId('stored-model').filter({ hasText: 'hub-test/moving-gpt2' });
  await expect(rows).toHaveCount(2);
  await rows.first().getByRole('button', { name: /^Delete/ }).click();
  await expect(rows).toHaveCount(1);
});

test('a cached model still loads when the Hub cannot be reached, with a notice', async ({ page, context }) => {
  await openApp(page);
  await loadThroughPanel(page, 'hub-test/tiny-gpt2-bin');
  await expectLoaded(page, 'hub-test/tiny-gpt2-bin');
  await page.reload();
  await context.route(`${HUB}/**`, (route) => route.abort('internetdisconnected'));
  await context.route(`${CDN}/**`, (route) => route.abort('internetdisconnected'));
  await expect(page.locator('.device-info')).toHaveAttribute('data-gpu-status', /ready|unavailable/, { timeout: 60_000 });
  await loadThroughPanel(page, 'hub-test/tiny-gpt2-bin');
  await expectLoaded(page, 'hub-test/tiny-gpt2-bin');
  await expect(page.getByTestId('load-notice')).toContainText(`${HUB} could not be reached, so hub-test/tiny-gpt2-bin comes from this browser's cache`);
  expect(await maxLogitError(page, GPT2)).toBeLessThan(1e-3);
});

test('a transfer the CDN cuts part way resumes with a Range request', async ({ page, request }) => {
  await admin(request, 'cut', { repo: 'hub-test/tiny-gpt2-bin', file: 'pytorch_model.bin', afterBytes: 100_000, times: 2 });
  await openApp(page);
  await loadThroughPanel(page, 'hub-test/tiny-gpt2-bin');
  await expectLoaded(page, 'hub-test/tiny-gpt2-bin');
  expect(await maxLogitError(page, GPT2)).toBeLessThan(1e-3);
  const log = await hubLog(request);
  const ranges = log.filter((r) => r.origin === 'cdn' && r.method === 'GET').map((r) => r.range);
  // Two cuts, then the rest: each retry asks for the bytes after those the page received (Chromium may drop what it
  // buffered when the connection breaks, and may bound an open range by the size it knows: "bytes=100000-255952").
  expect(ranges[0], JSON.stringify(log)).toBeNull();
  expect(ranges.length).toBe(3);
  expect(ranges.slice(1).every((range) => /^bytes=\d+-(\d+)?$/.test(range ?? ''))).toBe(true);
  expect(log.filter((r) => r.origin === 'cdn').at(-1)!.status).toBe(206);
});

test('a refused config.json stops the load: no request after it', async ({ page, request }) => {
  await openApp(page);
  await admin(request, 'clear-log');
  await loadThroughPanel(page, 'hub-test/refused-config');
  await expect(page.getByRole('alert')).toContainText('refused-by-test');
  await page.waitForTimeout(1000); // anything still to come would arrive now
  const paths = (await hubLog(request)).filter((r) => r.path.includes('refused-config') || r.origin === 'cdn').map((r) => r.path.replace(/[0-9a-f]{40}/, '<commit>'));
  expect(paths).toEqual(['/api/models/hub-test/refused-config/revision/main?blobs=true', '/hub-test/refused-config/resolve/<commit>/config.json']);
});

// ------------------------------------------------------------------------------------------------------------------
// Engine integration: these need the engine side (loadModel options, vocab-only tokenizers, the vocabulary check)

test('window.playground.loadModel(id, { revision, token })', async ({ page }) => {
  await openApp(page);
  // Without the token the gated repo is refused, naming the way in; with it, it loads (the panel's token field stays empty).
  const refused = await page.evaluate(() => window.playground.loadModel('hub-test/gated-gpt2').then(() => 'loaded', (e: Error) => e.message));
  expect(refused).toMatch(/gated|token|access/i);
  await page.evaluate((token) => window.playground.loadModel('hub-test/gated-gpt2', { token }), GRANTED);
  await expectLoaded(page, 'hub-test/gated-gpt2');
  await page.evaluate(() => window.playground.loadModel('hub-test/moving-gpt2', { revision: 'v2' }));
  expect(await maxLogitError(page, GPT2_F16)).toBeLessThan(1e-3);
  const missing = await page.evaluate(() => window.playground.loadModel('hub-test/moving-gpt2', { revision: 'no-such-tag' }).then(() => 'loaded', (e: Error) => e.message));
  expect(missing).toContain('hub-test/moving-gpt2 has no revision "no-such-tag"');
  const malformed = await page.evaluate(() => window.playground.loadModel('hub-test/moving-gpt2', { revision: 'no such branch' }).then(() => 'loaded', (e: Error) => e.message));
  expect(malformed).toContain('loadModel: revision must be');
});

test('vocab-only repos: vocab.txt and vocab.json + merges.txt give the ids of the original tokenizer.json', async ({ page }) => {
  await openApp(page);
  const text = 'Hello world, the quick brown fox!';
  for (const [vocabRepo, fullTokenizer] of [
    ['hub-test/tiny-bert-vocab', 'test/fixtures/models/tiny-bert/tokenizer.json'],
    ['hub-test/tiny-gpt2-vocab', 'test/fixtures/models/tiny-gpt2/tokenizer.json'],
  ]) {
    // Expected ids: Hugging Face's Rust tokenizers on the tokenizer.json the vocab files were extracted from.
    const { Tokenizer } = await import('@anush008/tokenizers');
    const expected = (await Tokenizer.fromString(readFileSync(fullTokenizer, 'utf8')).encode(text, null)).getIds();
    await loadThroughPanel(page, vocabRepo);
    await expectLoaded(page, vocabRepo);
    const ids = await page.evaluate(({ t, repo }) => window.playground.tokenize(t, repo).then((e) => e.ids), { t: text, repo: vocabRepo });
    expect(ids).toEqual(expected);
  }
});

test('a vocabulary smaller than the model is refused, naming both sizes', async ({ page }) => {
  await openApp(page);
  await loadThroughPanel(page, 'hub-test/bert-vocab-mismatch');
  await expect(page.getByRole('alert')).toContainText(/has 500 entries/);
  await expect(page.getByRole('alert')).toContainText(/1,000 token embeddings/);
});
