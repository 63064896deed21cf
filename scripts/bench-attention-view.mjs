// How long switching head takes in the attention heatmap at 512 tokens, 12 layers x 12 heads: opens the built page
// (`npm run build` first), shows a synthetic attention tensor through window.playground.showAttention (no model
// runs), switches head N times and prints the median milliseconds per switch.
//   node scripts/bench-attention-view.mjs [--switches 60] [--tokens 512] [--port 4191]
// "drawn": from the store change until the heatmap has drawn it (playground.setAttentionView resolves);
// "next frame": until the following animation frame, so the browser has also painted it.
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';
import { findChromium } from './find-browser.mjs';

const { values: options } = parseArgs({
  options: { switches: { type: 'string', default: '60' }, tokens: { type: 'string', default: '512' }, port: { type: 'string', default: '4191' } },
});
const SWITCHES = Number(options.switches);
const T = Number(options.tokens);
const LAYERS = 12;
const HEADS = 12;
const url = `http://127.0.0.1:${options.port}/`;

async function waitForServer(tries = 100) {
  for (let i = 0; i < tries; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`vite preview did not answer at ${url}: run \`npm run build\` first.`);
}

const server = spawn('npx', ['vite', 'preview', '--port', options.port, '--strictPort'], { stdio: 'ignore', detached: true });
const browser = await chromium.launch({ executablePath: await findChromium(), args: ['--no-sandbox', '--no-first-run', '--disable-background-networking'] });
try {
  await waitForServer();
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${url}?tab=attention`);
  await page.waitForFunction(() => window.playground !== undefined);
  await page.evaluate(async ({ T, LAYERS, HEADS }) => {
    // Each row a softmax of random scores, so rows sum to 1 as real attention does.
    const attentions = Array.from({ length: LAYERS }, () => {
      const block = new Float32Array(HEADS * T * T);
      for (let row = 0; row < HEADS * T; row++) {
        let sum = 0;
        for (let j = 0; j < T; j++) sum += block[row * T + j] = Math.exp(4 * Math.random());
        for (let j = 0; j < T; j++) block[row * T + j] /= sum;
      }
      return block;
    });
    const tokens = Array.from({ length: T }, (_, i) => `token${i}`);
    await window.playground.showAttention({ tokens, attentions, causal: false });
  }, { T, LAYERS, HEADS });
  const timings = await page.evaluate(async ({ SWITCHES, HEADS }) => {
    const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
    const drawn = [];
    const painted = [];
    for (let i = 0; i < SWITCHES + 5; i++) {
      const start = performance.now();
      await window.playground.setAttentionView({ head: (i + 1) % HEADS });
      const afterDraw = performance.now();
      await frame();
      if (i >= 5) {
        drawn.push(afterDraw - start);
        painted.push(performance.now() - start);
      }
    }
    return { drawn, painted };
  }, { SWITCHES, HEADS });
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  const p90 = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length * 0.9)];
  const line = (name, values) => `${name}: median ${median(values).toFixed(1)} ms, p90 ${p90(values).toFixed(1)} ms`;
  console.log(`Switching head in the heatmap, ${T} tokens, ${LAYERS} layers x ${HEADS} heads, ${SWITCHES} switches:`);
  console.log(`  ${line('drawn', timings.drawn)}`);
  console.log(`  ${line('next frame', timings.painted)}`);
} finally {
  await browser.close();
  process.kill(-server.pid);
}
