import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import type {} from '../src/api/playground'; // the window.playground declaration
import { SafetensorsFile } from '../src/weights/safetensors';
import { writeSafetensors } from '../src/weights/safetensors-writer';
import { HUB } from './hub';

// The "How it works" tab and playground.trace. For every family of test/fixtures/models (served by the Hub stand-in),
// the trace is the engine's own numbers: its logits and attention are forward()'s, and each stage follows from the
// ones before by the formula the tab shows, recomputed here in float64 from the stages and the checkpoint's own
// tensors (read from model.safetensors on this side). Then the tab itself on the embedded GPT-2 and BERT (every
// stage's screenshot, the kernels, the links, the URL, the keyboard, axe), and its responsiveness on a synthetic
// 12-layer GPT-2 at 128 tokens.

const FIXTURES = 'test/fixtures/models';

// Playwright's trace recorder snapshots the page at every action, a main-thread cost of its own that the
// responsiveness measurement below would count: off in this file (failures keep their screenshots).
test.use({ trace: 'off' });

interface Family {
  name: string;
  /** The golden case whose ids are traced. */
  input: string;
  decoder: boolean;
  /** The checkpoint's embedding tables; positions of a text without padding start at `firstPosition`. */
  token: string;
  position?: string;
  tokenType?: string;
  firstPosition: number;
  /** Post-LN encoders: the LayerNorm after attention and after the FFN of layer l. */
  postLn?: { attention: (l: number) => string; output: (l: number) => string };
  parallel?: boolean;
}

const FAMILIES: Family[] = [
  { name: 'tiny-gpt2', input: 'short', decoder: true, token: 'transformer.wte.weight', position: 'transformer.wpe.weight', firstPosition: 0 },
  {
    name: 'tiny-bert', input: 'single', decoder: false, firstPosition: 0,
    token: 'bert.embeddings.word_embeddings.weight', position: 'bert.embeddings.position_embeddings.weight', tokenType: 'bert.embeddings.token_type_embeddings.weight',
    postLn: { attention: (l) => `bert.encoder.layer.${l}.attention.output.LayerNorm`, output: (l) => `bert.encoder.layer.${l}.output.LayerNorm` },
  },
  {
    name: 'tiny-distilbert', input: 'single', decoder: false, firstPosition: 0,
    token: 'distilbert.embeddings.word_embeddings.weight', position: 'distilbert.embeddings.position_embeddings.weight',
    postLn: { attention: (l) => `distilbert.transformer.layer.${l}.sa_layer_norm`, output: (l) => `distilbert.transformer.layer.${l}.output_layer_norm` },
  },
  {
    // RoBERTa numbers positions after its padding id (pad_token_id 1): the first token sits at position 2.
    name: 'tiny-roberta', input: 'single', decoder: false, firstPosition: 2,
    token: 'roberta.embeddings.word_embeddings.weight', position: 'roberta.embeddings.position_embeddings.weight', tokenType: 'roberta.embeddings.token_type_embeddings.weight',
    postLn: { attention: (l) => `roberta.encoder.layer.${l}.attention.output.LayerNorm`, output: (l) => `roberta.encoder.layer.${l}.output.LayerNorm` },
  },
  { name: 'tiny-gpt-neox', input: 'length_16', decoder: true, token: 'gpt_neox.embed_in.weight', firstPosition: 0, parallel: true },
  { name: 'tiny-llama', input: 'length_16', decoder: true, token: 'model.embed_tokens.weight', firstPosition: 0 },
];

type Rows = number[];

interface TracedLayer {
  layer: number;
  kvHead: number;
  input: Rows; normed: Rows; q: Rows; k: Rows; v: Rows; scores: Rows; probs: Rows; mixed: Rows;
  attnOut: Rows; residual1: Rows; ffnHidden: Rows; ffnOut: Rows; residual2: Rows; logitLens?: Rows;
}

interface Traced {
  T: number;
  lensPosition: number;
  embeddings: { token: Rows; position?: Rows; tokenType?: Rows; sum: Rows; normed?: Rows };
  layers: TracedLayer[];
  final: { normed: Rows; logits: Rows };
}

/** playground.trace in the page, every typed array as numbers (−Infinity kept). */
function trace(page: Page, ids: number[], options: { layer?: number; head?: number } = {}): Promise<Traced> {
  return page.evaluate(async ({ ids, options }) => {
    const t = await window.playground.trace(ids, options);
    const plain = (o: object) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v]));
    return { T: t.T, lensPosition: t.lensPosition, embeddings: plain(t.embeddings), layers: t.layers.map(plain), final: plain(t.final) } as unknown as Traced;
  }, { ids, options });
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
};
const add = (...parts: ArrayLike<number>[]) => Array.from(parts[0], (_, i) => parts.reduce((sum, part) => sum + part[i], 0));

function layerNorm(x: ArrayLike<number>, gamma: Float32Array, beta: Float32Array, C: number, eps: number): number[] {
  const out: number[] = [];
  for (let r = 0; r < x.length / C; r++) {
    const row = Array.from({ length: C }, (_, c) => x[r * C + c]);
    const mean = row.reduce((a, b) => a + b, 0) / C;
    const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / C;
    row.forEach((value, c) => out.push(((value - mean) / Math.sqrt(variance + eps)) * gamma[c] + beta[c]));
  }
  return out;
}

async function openApp(page: Page, query = '') {
  await page.goto(`./?hub=${encodeURIComponent(HUB)}${query}`);
  await expect(page.locator('.device-info')).toHaveAttribute('data-gpu-status', /ready|unavailable/, { timeout: 60_000 });
}

for (const family of FAMILIES) {
  test(`${family.name}: playground.trace is forward()'s numbers, and every stage follows from the one before`, async ({ page }) => {
    await openApp(page);
    const info = await page.evaluate((id) => window.playground.loadModel(id), family.name);
    const { L, H, D, C, V } = info.config.dims as { L: number; H: number; D: number; C: number; V: number };
    const eps = (info.config.dims as { eps: number }).eps;
    const golden = JSON.parse(readFileSync(`${FIXTURES}/${family.name}/golden.json`, 'utf8')) as { cases: { name: string; input_ids: number[] }[] };
    const ids = golden.cases.find((c) => c.name === family.input)!.input_ids;
    const T = ids.length;
    const weights = SafetensorsFile.parse(new Uint8Array(readFileSync(`${FIXTURES}/${family.name}/model.safetensors`)));
    const tensor = (name: string) => weights.hostTensor(name).data as Float32Array;
    const rows = (table: string, indices: number[]) => indices.flatMap((i) => Array.from(tensor(table).subarray(i * C, (i + 1) * C)));

    const forward = await page.evaluate(async (ids) => {
      const { logits, attentions } = await window.playground.forward(ids);
      return { logits: Array.from(logits), attentions: attentions.map((a) => Array.from(a)) };
    }, ids);

    const figures = { logits: 0, probs: 0, softmax: 0, scores: 0, tokenRows: 0, positionRows: 0, sum: 0, residual1: 0, residual2: 0, lens: 0 };
    let maskErrors = 0;
    for (let head = 0; head < H; head++) {
      const t = await trace(page, ids, { head });
      expect(t.T).toBe(T);
      expect(t.layers.map((layer) => layer.layer)).toEqual(Array.from({ length: L }, (_, l) => l));
      for (const layer of t.layers) {
        const Tk = layer.k.length / D;
        // probs: forward()'s attention of this head.
        figures.probs = Math.max(figures.probs, maxDiff(layer.probs, forward.attentions[layer.layer].slice(head * T * Tk, (head + 1) * T * Tk)));
        for (let i = 0; i < T; i++) {
          // scores = q·k/√D where the mask allows (causal: keys up to the query; encoders: every key), −∞ elsewhere.
          for (let j = 0; j < Tk; j++) {
            const visible = !family.decoder || j <= i;
            const score = layer.scores[i * Tk + j];
            if (!visible) {
              if (score !== -Infinity) maskErrors++;
              continue;
            }
            let dot = 0;
            for (let d = 0; d < D; d++) dot += layer.q[i * D + d] * layer.k[j * D + d];
            figures.scores = Math.max(figures.scores, Math.abs(dot / Math.sqrt(D) - score));
          }
          // probs = softmax(scores with the mask): exp(−∞) = 0.
          const row = layer.scores.slice(i * Tk, (i + 1) * Tk);
          const max = Math.max(...row);
          const exp = row.map((s) => Math.exp(s - max));
          const sum = exp.reduce((a, b) => a + b, 0);
          figures.softmax = Math.max(figures.softmax, maxDiff(exp.map((e) => e / sum), layer.probs.slice(i * Tk, (i + 1) * Tk)));
        }
      }
      if (head > 0) continue;

      // The output: forward()'s logits; the last layer's logit lens is the prediction at its position.
      figures.logits = maxDiff(t.final.logits, forward.logits);
      const last = t.layers[L - 1];
      expect(t.lensPosition).toBe(T - 1);
      figures.lens = maxDiff(last.logitLens!, t.final.logits.slice((T - 1) * V, T * V));

      // Embeddings: rows of the checkpoint's tables, and their sum.
      const { token, position, tokenType, sum } = t.embeddings;
      figures.tokenRows = maxDiff(token, rows(family.token, ids));
      const parts = [token];
      if (family.position) {
        figures.positionRows = maxDiff(position!, rows(family.position, ids.map((_, p) => family.firstPosition + p)));
        parts.push(position!);
      } else {
        expect(position).toBeUndefined(); // rotary: position enters inside attention
      }
      if (family.tokenType) parts.push(tokenType!);
      figures.sum = maxDiff(sum, add(...parts));

      for (const layer of t.layers) {
        const l = layer.layer;
        if (family.postLn) {
          // Post-LN: residual1 = LayerNorm(input + attnOut), residual2 = LayerNorm(residual1 + ffnOut), with the
          // checkpoint's γ and β for that LayerNorm, in float64 here.
          const ln = (name: string, x: number[]) => layerNorm(x, tensor(`${name}.weight`), tensor(`${name}.bias`), C, eps);
          figures.residual1 = Math.max(figures.residual1, maxDiff(layer.residual1, ln(family.postLn.attention(l), add(layer.input, layer.attnOut))));
          figures.residual2 = Math.max(figures.residual2, maxDiff(layer.residual2, ln(family.postLn.output(l), add(layer.residual1, layer.ffnOut))));
        } else {
          figures.residual1 = Math.max(figures.residual1, maxDiff(layer.residual1, add(layer.input, layer.attnOut)));
          // GPT-NeoX's parallel block adds both branches to the block's input.
          const expected = family.parallel ? add(layer.input, layer.attnOut, layer.ffnOut) : add(layer.residual1, layer.ffnOut);
          figures.residual2 = Math.max(figures.residual2, maxDiff(layer.residual2, expected));
        }
        if (l + 1 < L) expect(t.layers[l + 1].input).toEqual(layer.residual2);
      }
    }
    console.log(`[how-it-works] ${family.name} (T=${T}, ${L} layers x ${H} heads): ${Object.entries(figures).map(([k, v]) => `${k} ${v.toExponential(2)}`).join(', ')}; masked scores wrong: ${maskErrors}`);
    expect(maskErrors).toBe(0);
    expect(figures.logits).toBeLessThanOrEqual(1e-6);
    expect(figures.probs).toBeLessThanOrEqual(1e-6);
    expect(figures.lens).toBeLessThanOrEqual(1e-5);
    expect(figures.tokenRows).toBe(0);
    expect(figures.positionRows).toBe(0);
    for (const key of ['softmax', 'scores', 'sum', 'residual1', 'residual2'] as const) expect(figures[key], key).toBeLessThanOrEqual(1e-4);

    // One layer alone: the same numbers, only that layer read.
    const one = await trace(page, ids, { layer: 1, head: 1 });
    const all = await trace(page, ids, { head: 1 });
    expect(one.layers.map((layer) => layer.layer)).toEqual([1]);
    expect(one.layers[0].probs).toEqual(all.layers[1].probs);
    expect(one.final.logits).toEqual(all.final.logits);

    // Arguments are checked as every other call's.
    const refusal = (args: unknown[]) => page.evaluate((args) => (window.playground.trace as (...a: unknown[]) => Promise<unknown>)(...args).then(() => 'resolved', (error: Error) => error.message), args);
    expect(await refusal([ids, { layer: L }])).toContain(`layer must be a whole number from 0 to ${L - 1}`);
    expect(await refusal([ids, { head: -1 }])).toContain('head must be a whole number');
    expect(await refusal([ids, { heads: 2 }])).toContain('no "heads"');
    expect(await refusal(['text'])).toContain('ids');
    expect(await refusal([[V]])).toContain(`outside the loaded model's range 0..${V - 1}`);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The tab

const STAGES = ['tokens', 'embeddings', 'norm', 'qkv', 'scores', 'mask', 'softmax', 'mix', 'project', 'residual1', 'ffn', 'residual2', 'final-norm', 'logits', 'output', 'stream', 'lens'];

const panel = (page: Page) => page.getByTestId('hiw-panel');

/** Waits until the stage shown is `stage` (at `layer`) with its numbers read. */
async function settled(page: Page, stage: string, layer?: number) {
  await expect(panel(page)).toHaveAttribute('data-stage', stage);
  if (layer !== undefined) await expect(panel(page)).toHaveAttribute('data-layer', String(layer));
  await expect(panel(page)).toHaveAttribute('data-status', 'idle');
  await expect(page.getByTestId(`hiw-stage-body-${stage}`)).toBeVisible();
  await expect(page.getByTestId('hiw-waiting')).toHaveCount(0);
}

async function openTab(page: Page, model: string, query = '') {
  await openApp(page, `&tab=how-it-works${query}`);
  await page.evaluate((id) => window.playground.loadModel(id), model);
  await expect(panel(page)).toHaveAttribute('data-tokens', /[1-9]/);
}

async function serious(page: Page, where: string) {
  const result = await new AxeBuilder({ page }).include('[data-testid="hiw-panel"]').analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  console.log(`[how-it-works] axe at ${where}: ${result.violations.length} violations (${result.violations.map((v) => `${v.id}: ${v.impact}`).join(', ') || 'none'}), ${bad.length} serious or critical`);
  expect(bad.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join('; ')})`)).toEqual([]);
}

async function everyStage(page: Page, info: TestInfo, prefix: string) {
  for (const stage of STAGES) {
    await page.getByTestId(`hiw-stage-${stage}`).click();
    await settled(page, stage);
    await page.getByTestId('hiw-detail').screenshot({ path: info.outputPath(`${prefix}-${stage}.png`) });
  }
}

const TEXTS = {
  gpt2: 'The President of the United States delivered the address to the Congress',
  bert: 'The capital of France is [MASK] and it is large.',
};

test('GPT-2: every stage, drawn from the model, with its kernels; links to the attention views; the URL; the keyboard; axe', async ({ page }, info) => {
  await openApp(page);
  await page.evaluate((text) => localStorage.setItem('playground.text', text), TEXTS.gpt2);
  await openTab(page, 'playground-gpt2');
  await expect(page.getByTestId('hiw-text')).toHaveValue(TEXTS.gpt2);
  const T = Number(await panel(page).getAttribute('data-tokens'));
  // A decoder's walk starts on its last token, the one whose next token it predicts.
  await expect(panel(page)).toHaveAttribute('data-token', String(T - 1));

  // The diagram says what the config says.
  const facts = page.getByTestId('hiw-facts');
  await expect(facts).toContainText('a decoder');
  await expect(facts).toContainText('3 blocks, width 128');
  await expect(facts).toContainText('4 attention heads of 32 dimensions');
  await expect(facts).toContainText('GELU (tanh)');
  await expect(facts).toContainText('pre-norm');
  await expect(facts).toContainText('learned position table, 128 positions');

  await page.getByTestId('hiw-layer').selectOption('1');
  await page.getByTestId('hiw-head').selectOption('1');
  await everyStage(page, info, 'gpt2');

  // The kernels that computed a stage, with their GPU times where the adapter has timestamps.
  await page.getByTestId('hiw-stage-softmax').click();
  await settled(page, 'softmax');
  await page.locator('.app-panel').screenshot({ path: info.outputPath('gpt2-tab-softmax.png') });
  const kernel = page.getByTestId('hiw-kernel').first();
  await expect(kernel).toHaveAttribute('data-label', /^attention \(.*H=4.*causal\)/);
  await expect(kernel).toContainText('dispatchWorkgroups(');
  await expect(page.getByTestId('hiw-row-sum')).toHaveText('1.000000');
  await page.getByTestId('hiw-stage-ffn').click();
  await settled(page, 'ffn');
  // The embedded GPT-2 is stored f16 and held so ('auto' weights): packed weights are read (N, K), whatever the
  // checkpoint's Conv1D layout, and the label says which format ran.
  await expect(page.getByTestId('hiw-kernel').nth(1)).toHaveAttribute('data-label', /^matmul_nk_bias_gelu_tanh \(.*, f16 weights\)$/);

  // Causal mask on this text: T(T-1)/2 hidden pairs.
  await page.getByTestId('hiw-stage-mask').click();
  await settled(page, 'mask');
  await expect(page.getByTestId('hiw-masked')).toHaveText(String((T * (T - 1)) / 2));
  await serious(page, 'GPT-2 mask');

  // The URL carries stage, layer, head and token; opening it shows the same place.
  await page.getByTestId('hiw-token-picker').selectOption('3');
  await page.getByTestId('hiw-stage-softmax').click();
  await settled(page, 'softmax', 1);
  await expect.poll(() => new URL(page.url()).searchParams.toString()).toMatch(/tab=how-it-works/);
  await expect.poll(() => Object.fromEntries(['stage', 'layer', 'head', 'token'].map((k) => [k, new URL(page.url()).searchParams.get(k)]))).toEqual({ stage: 'softmax', layer: '1', head: '1', token: '3' });
  const link = page.url();
  await page.goto(link);
  await page.evaluate((id) => window.playground.loadModel(id), 'playground-gpt2');
  await settled(page, 'softmax', 1);
  await expect(panel(page)).toHaveAttribute('data-head', '1');
  await expect(panel(page)).toHaveAttribute('data-token', '3');
  await expect(panel(page)).toHaveAttribute('data-traced-head', '1');

  // Keyboard: the stages in order, through every block, then the outputs.
  await page.getByTestId('hiw-stage-softmax').focus();
  const order: string[] = [];
  for (let i = 0; i < 6; i++) {
    await page.keyboard.press('ArrowDown');
    order.push(`${await panel(page).getAttribute('data-stage')}@${await panel(page).getAttribute('data-layer')}`);
  }
  expect(order).toEqual(['mix@1', 'project@1', 'residual1@1', 'ffn@1', 'residual2@1', 'norm@2']);
  await expect(page.getByTestId('hiw-stage-norm')).toBeFocused();
  await page.keyboard.press('PageUp');
  await expect(panel(page)).toHaveAttribute('data-layer', '1');
  await page.keyboard.press('End');
  await expect(panel(page)).toHaveAttribute('data-stage', 'lens');
  await settled(page, 'lens');
  await expect(page.getByTestId('hiw-lens').locator('tbody tr')).toHaveCount(3);
  await serious(page, 'GPT-2 logit lens');

  // Next token: top-k 1 keeps one token, and every draw is that token (the sampler's rule).
  await page.getByTestId('hiw-stage-output').click();
  await settled(page, 'output');
  await page.getByTestId('hiw-top-k').fill('1');
  await expect(page.getByTestId('hiw-kept')).toHaveText('1');
  const best = await page.getByTestId('hiw-next-tokens').locator('tbody tr').first().getAttribute('data-id');
  await page.getByTestId('hiw-draw').click();
  await expect(page.getByTestId('hiw-drawn')).toContainText(`(id ${best})`);
  await serious(page, 'GPT-2 next token');

  // Links: the attention heatmap of this head, the neuron view of this query.
  await page.getByTestId('hiw-stage-qkv').click();
  await settled(page, 'qkv');
  await page.getByTestId('hiw-open-neuron').click();
  await expect(page.getByRole('tab', { name: 'Attention', exact: true })).toHaveAttribute('aria-selected', 'true');
  await expect.poll(() => page.evaluate(() => window.playground.view && { view: window.playground.view.view, layer: window.playground.view.layer, head: window.playground.view.head })).toEqual({ view: 'neuron', layer: 1, head: 1 });
  await expect(page.getByTestId('attention-query')).toHaveValue('3');
});

test('BERT: every stage, the padding mask explained on the same text, [MASK] predictions and the [CLS] vector; axe', async ({ page }, info) => {
  await openApp(page);
  await page.evaluate((text) => localStorage.setItem('playground.text', text), TEXTS.bert);
  await openTab(page, 'playground-bert');
  const T = Number(await panel(page).getAttribute('data-tokens'));
  const facts = page.getByTestId('hiw-facts');
  await expect(facts).toContainText('an encoder');
  await expect(facts).toContainText('post-LN');
  await expect(facts).toContainText('2 token types');
  // An encoder's walk starts on its [MASK].
  const tokens = await page.getByTestId('hiw-token-picker').locator('option').allTextContents();
  await expect(panel(page)).toHaveAttribute('data-token', String(tokens.findIndex((t) => t.includes('[MASK]'))));

  await page.getByTestId('hiw-layer').selectOption('1');
  await everyStage(page, info, 'bert');

  await page.getByTestId('hiw-stage-mask').click();
  await settled(page, 'mask');
  await expect(page.getByTestId('hiw-masked')).toHaveText('0');
  await expect(page.getByTestId('hiw-stage-body-mask')).toContainText(`would hide the ${(T * (T - 1)) / 2} pairs`);
  await serious(page, 'BERT mask');

  await page.getByTestId('hiw-stage-residual1').click();
  await settled(page, 'residual1');
  await expect(page.getByTestId('hiw-kernel').nth(1)).toHaveAttribute('data-label', /^layernorm/);

  await page.getByTestId('hiw-stage-output').click();
  await settled(page, 'output');
  const predictions = page.getByTestId('hiw-mask-predictions').locator('tbody tr');
  await expect(predictions).toHaveCount(5);
  // The tab's [MASK] predictions are fill-mask's.
  const fill = await page.evaluate((text) => window.playground.fillMask(text), TEXTS.bert);
  const shown = await predictions.evaluateAll((rows) => rows.map((row) => Number(row.getAttribute('data-id'))));
  expect(shown).toEqual(fill.masks[0].predictions.map((p) => p.id));
  await expect(page.getByTestId('hiw-cls')).toBeVisible();
  await serious(page, 'BERT [MASK] predictions');
  await page.locator('.app-panel').screenshot({ path: info.outputPath('bert-tab.png') });
});

// ---------------------------------------------------------------------------------------------------------------
// Responsiveness: a synthetic 12-layer GPT-2 read at 128 tokens, stepped through every stage with the keyboard.

/** A GPT-2 checkpoint of 12 layers (width 128, 4 heads, 128 positions) with the fixture tokenizer's 1,000 ids. */
function syntheticGpt2(): { config: string; weights: Uint8Array } {
  const config = { model_type: 'gpt2', architectures: ['GPT2LMHeadModel'], vocab_size: 1000, n_positions: 128, n_embd: 128, n_layer: 12, n_head: 4, n_inner: null, activation_function: 'gelu_new', layer_norm_epsilon: 1e-5 };
  const C = 128;
  let state = 12345;
  const values = (shape: number[], fill?: number) =>
    Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => {
      if (fill !== undefined) return fill;
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return (state / 2 ** 32 - 0.5) * 0.2;
    });
  const tensors = [
    { name: 'wte.weight', shape: [1000, C] },
    { name: 'wpe.weight', shape: [128, C] },
    { name: 'ln_f.weight', shape: [C], fill: 1 },
    { name: 'ln_f.bias', shape: [C], fill: 0 },
    ...Array.from({ length: 12 }, (_, l) => [
      { name: `h.${l}.ln_1.weight`, shape: [C], fill: 1 },
      { name: `h.${l}.ln_1.bias`, shape: [C], fill: 0 },
      { name: `h.${l}.attn.c_attn.weight`, shape: [C, 3 * C] },
      { name: `h.${l}.attn.c_attn.bias`, shape: [3 * C] },
      { name: `h.${l}.attn.c_proj.weight`, shape: [C, C] },
      { name: `h.${l}.attn.c_proj.bias`, shape: [C] },
      { name: `h.${l}.ln_2.weight`, shape: [C], fill: 1 },
      { name: `h.${l}.ln_2.bias`, shape: [C], fill: 0 },
      { name: `h.${l}.mlp.c_fc.weight`, shape: [C, 4 * C] },
      { name: `h.${l}.mlp.c_fc.bias`, shape: [4 * C] },
      { name: `h.${l}.mlp.c_proj.weight`, shape: [4 * C, C] },
      { name: `h.${l}.mlp.c_proj.bias`, shape: [C] },
    ]).flat(),
  ].map(({ name, shape, fill }: { name: string; shape: number[]; fill?: number }) => ({ name, shape, data: values(shape, fill) }));
  return { config: JSON.stringify(config), weights: writeSafetensors(tensors) };
}

test('at 128 tokens and 12 layers the tab stays responsive while the keyboard steps through every stage', async ({ page }) => {
  test.setTimeout(900_000);
  const { config, weights } = syntheticGpt2();
  const tokenizer = readFileSync(`${FIXTURES}/tiny-gpt2/tokenizer.json`);
  const files: Record<string, Buffer> = { 'config.json': Buffer.from(config), 'model.safetensors': Buffer.from(weights), 'tokenizer.json': tokenizer };
  await page.route('**/synthetic-12-layers/*', (route) => route.fulfill({ body: files[new URL(route.request().url()).pathname.split('/').pop()!], contentType: 'application/octet-stream' }));
  await openApp(page);
  const text = Array.from({ length: 40 }, (_, i) => `the whale ${i} swam past the ship and`).join(' ');
  await page.evaluate((text) => localStorage.setItem('playground.text', text), text);
  await page.goto(`./?hub=${encodeURIComponent(HUB)}&tab=how-it-works`);
  await page.evaluate(async (names) => {
    const files = await Promise.all(names.map(async (name) => new File([await (await fetch(`/synthetic-12-layers/${name}`)).blob()], name)));
    await window.playground.loadModel(files);
  }, Object.keys(files));
  await expect(panel(page)).toHaveAttribute('data-tokens', '128', { timeout: 120_000 });
  await settled(page, 'tokens');

  // Main-thread gaps: the longest time between two animation frames, and long tasks, while stepping.
  await page.evaluate(() => {
    const w = window as unknown as { gaps: { longest: number; longTasks: [number, string][]; frames: number } };
    w.gaps = { longest: 0, longTasks: [], frames: 0 };
    const where = () => ['data-stage', 'data-layer', 'data-status'].map((a) => document.querySelector('[data-testid="hiw-panel"]')?.getAttribute(a)).join(' ');
    let last = performance.now();
    const frame = (now: number) => {
      w.gaps.longest = Math.max(w.gaps.longest, now - last);
      w.gaps.frames++;
      last = now;
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
    new PerformanceObserver((list) => list.getEntries().forEach((entry) => w.gaps.longTasks.push([entry.duration, where()]))).observe({ type: 'longtask', buffered: false });
  });
  await page.getByTestId('hiw-stage-tokens').focus();
  const started = Date.now();
  let steps = 0;
  const waits: number[] = [];
  for (;;) {
    const before = `${await panel(page).getAttribute('data-stage')}@${await panel(page).getAttribute('data-layer')}`;
    await page.keyboard.press('ArrowDown');
    const at = Date.now();
    const stage = (await panel(page).getAttribute('data-stage'))!;
    const layer = Number(await panel(page).getAttribute('data-layer'));
    if (`${stage}@${layer}` === before) break; // the end of the walk
    steps++;
    await settled(page, stage, ['norm', 'qkv', 'scores', 'mask', 'softmax', 'mix', 'project', 'residual1', 'ffn', 'residual2'].includes(stage) ? layer : undefined);
    waits.push(Date.now() - at);
  }
  const gaps = await page.evaluate(() => (window as unknown as { gaps: { longest: number; longTasks: [number, string][]; frames: number } }).gaps);
  const seconds = (Date.now() - started) / 1000;
  const longTasks = gaps.longTasks.sort((a, b) => b[0] - a[0]);
  console.log(
    `[how-it-works] 128 tokens x 12 layers: ${steps} stages stepped in ${seconds.toFixed(1)} s (slowest stage ready after ${Math.max(...waits)} ms, median ${waits.sort((a, b) => a - b)[waits.length >> 1]} ms); ` +
      `longest gap between animation frames ${gaps.longest.toFixed(0)} ms over ${gaps.frames} frames; ${longTasks.length} long tasks (${longTasks.slice(0, 4).map(([ms, at]) => `${ms.toFixed(0)} ms at ${at}`).join(', ')})`,
  );
  expect(steps).toBe(1 + 12 * 10 + 5);
  expect(gaps.longest).toBeLessThan(1000);
});
