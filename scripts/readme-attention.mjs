// The README's attention screenshots of the embedded models: opens the built page on each default model, measures
// every head's previous-token and next-token share on one sentence through window.playground.attention(), prints the
// table, and screenshots the heatmap of the head with the strongest pattern (GPT-2: previous token; BERT: the
// stronger of the two) into docs/images/ when it is at least 1.5x what uniform attention gives. Needs `npm run build`.
//   node scripts/readme-attention.mjs [--text "..."] [--dist dist]
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { findChromium } from './find-browser.mjs';

const { values: options } = parseArgs({
  options: {
    text: { type: 'string', default: 'The President of the United States delivered the annual message to the Congress, and the members of both houses listened to the address.' },
    port: { type: 'string', default: '4193' },
    dist: { type: 'string', default: 'dist' }, // the build to serve (vite preview --outDir)
  },
});
const url = `http://127.0.0.1:${options.port}/`;
const MODELS = [
  { name: 'playground-gpt2', offsets: [-1] },
  { name: 'playground-bert', offsets: [-1, 1] },
];

async function waitForServer() {
  for (let i = 0; i < 100; i++) {
    if (await fetch(url).then((r) => r.ok, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`vite preview did not answer at ${url}: run \`npm run build\` first.`);
}

const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length;

/** Mean weight from each query token to the token `offset` away, over the rows that have one (heads as drawn), and
 * what a head attending uniformly over the keys it may see would give. */
function offsetShare(matrix, offset) {
  const col = new Map(matrix.cols.map((token, c) => [token, c]));
  const rows = matrix.rows.flatMap((token, r) => (col.has(token + offset) && !matrix.masked[r][col.get(token + offset)] ? [[r, col.get(token + offset)]] : []));
  return {
    share: mean(rows.map(([r, c]) => matrix.values[r][c])),
    uniform: mean(rows.map(([r]) => 1 / matrix.masked[r].filter((hidden) => !hidden).length)),
  };
}

const server = spawn('npx', ['vite', 'preview', '--outDir', options.dist, '--port', options.port, '--strictPort'], { stdio: 'ignore', detached: true });
const browser = await chromium.launch({ executablePath: await findChromium(), args: ['--enable-unsafe-webgpu', '--no-sandbox'] });
try {
  await waitForServer();
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  for (const { name, offsets } of MODELS) {
    const query = new URLSearchParams({ tab: 'attention', model: name, view: 'heatmap', text: options.text });
    await page.goto(`${url}?${query}`);
    await page.waitForFunction((name) => { const view = window.playground?.view; return view?.model === name && view.status === 'idle' && view.tokens.length > 3; }, name, { timeout: 300_000, polling: 500 });
    const config = JSON.parse(readFileSync(`public/models/${name}/config.json`, 'utf8'));
    const shape = { layers: config.n_layer ?? config.num_hidden_layers, heads: config.n_head ?? config.num_attention_heads };
    const scores = await page.evaluate(({ layers, heads }) => {
      const all = [];
      for (let layer = 0; layer < layers; layer++)
        for (let head = 0; head < heads; head++) all.push({ layer, head, matrix: window.playground.attention({ layer, head }) });
      return { all };
    }, shape);
    let best = { score: -1 };
    console.log(`\n${name}: mean attention to the token at each offset, per head`);
    for (const { layer, head, matrix } of scores.all) {
      const byOffset = offsets.map((offset) => offsetShare(matrix, offset));
      console.log(`  layer ${layer} head ${head}: ${offsets.map((o, i) => `${o > 0 ? '+' : ''}${o}: ${byOffset[i].share.toFixed(3)} (uniform ${byOffset[i].uniform.toFixed(3)})`).join('  ')}`);
      const shares = byOffset.map(({ share }) => share);
      const top = Math.max(...shares);
      if (top > best.score) best = { layer, head, score: top, offset: offsets[shares.indexOf(top)], uniform: byOffset[shares.indexOf(top)].uniform };
    }
    const strongest = `strongest: layer ${best.layer} head ${best.head}, ${best.score.toFixed(3)} to offset ${best.offset}`;
    if (best.score < 1.5 * best.uniform) {
      console.log(`  ${strongest}: under 1.5x uniform, no screenshot`);
      continue;
    }
    await page.evaluate(({ layer, head }) => window.playground.setAttentionView({ layer, head }), best);
    const path = `docs/images/attention-${name}.png`;
    await page.locator('[data-testid="attention-panel"]').screenshot({ path });
    console.log(`  ${strongest} -> ${path}`);
  }
} finally {
  await browser.close();
  process.kill(-server.pid);
}
