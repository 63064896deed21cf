import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';

// Weights on the device (f32, f16, 8-bit, 4-bit): a model loaded or rebuilt in each format computes what the float64
// torch reference computes on weights quantized by its own quantizer (scripts/reference/make_packed_fixtures.py,
// test/fixtures/packed), through playground.loadModel's `weights`, playground.setWeights and the model panel's field,
// which the page remembers across a reload. 'auto' keeps an f16 checkpoint (the embedded playground-gpt2) as f16.
const HUB = process.env.PLAYGROUND_HUB_URL ?? 'http://127.0.0.1:4180';
const TOLERANCE = 1e-4;

interface Golden {
  cases: { name: string; input_ids: number[]; logits: number[][]; logits_probe_columns?: number[]; logits_probe?: number[][] }[];
}

const packedGolden = (model: string, format: string) => JSON.parse(readFileSync(`test/fixtures/packed/${model}.${format}.json`, 'utf8')) as Golden;
const f32Golden = (model: string) => JSON.parse(readFileSync(`test/fixtures/models/${model}/golden.json`, 'utf8')) as Golden;

async function openApp(page: Page) {
  await page.goto(`./?hub=${encodeURIComponent(HUB)}`);
  await expect(page.locator('.device-info')).toHaveAttribute('data-gpu-status', /ready|unavailable/, { timeout: 60_000 });
}

/** The largest difference between the page's logits and a golden's first columns and probe columns, over its cases. */
async function logitError(page: Page, golden: Golden, V: number): Promise<number> {
  let error = 0;
  for (const c of golden.cases.slice(0, 2)) {
    const logits = await page.evaluate(async (ids) => [...(await window.playground.forward(ids)).logits], c.input_ids);
    c.logits.forEach((row, t) => row.forEach((value, v) => (error = Math.max(error, Math.abs(logits[t * V + v] - value)))));
    c.logits_probe?.forEach((row, t) => row.forEach((value, i) => (error = Math.max(error, Math.abs(logits[t * V + c.logits_probe_columns![i]] - value)))));
  }
  return error;
}

test('packed weights: loadModel and setWeights in q4, q8, f32 match the quantized reference, ORT runs the same q4 weights; the panel field is remembered', async ({ page }) => {
  const V = 1000;
  await openApp(page);
  const f32 = await page.evaluate(() => window.playground.loadModel('tiny-gpt2', { weights: 'f32' }));
  const q4 = await page.evaluate(() => window.playground.loadModel('tiny-gpt2', { weights: 'q4' }));
  expect(q4.weights).toBe('q4');
  expect(q4.weightsBytes).toBeLessThan(f32.weightsBytes);
  const q4Error = await logitError(page, packedGolden('tiny-gpt2', 'q4'), V);
  await expect(page.getByTestId('model-summary')).toContainText('4-bit, blocks of 32');
  // onnxruntime-web runs the same 4-bit weights (MatMulNBits), in the comparison and in the default export.
  const compared = await page.evaluate(() => window.playground.compareWithOrt([5, 17, 256, 999], { provider: 'wasm' }));
  expect(compared.maxAbsDiffLogits).toBeLessThan(TOLERANCE);
  const exported = await page.evaluate(() => new TextDecoder('latin1').decode(window.playground.exportOnnx({ attentions: false })));
  expect(exported).toContain('MatMulNBits');

  // The How it works trace reads the packed token table's rows: token + position rows add up to the embedding sum.
  const trace = await page.evaluate(async () => {
    const { embeddings } = await window.playground.trace([5, 17, 256], { layer: 0 });
    return { token: [...embeddings.token], position: [...embeddings.position!], sum: [...embeddings.sum] };
  });
  expect(trace.sum.reduce((largest, value, i) => Math.max(largest, Math.abs(value - trace.token[i] - trace.position[i])), 0)).toBeLessThan(1e-6);
  expect(trace.token.some((value) => value !== 0)).toBe(true);

  // The panel's field rebuilds the loaded model (no download) and holds for the next loads.
  await page.getByTestId('weights-choice').selectOption('q8');
  await expect(page.getByTestId('model-summary')).toContainText('8-bit, blocks of 32');
  const q8Error = await logitError(page, packedGolden('tiny-gpt2', 'q8'), V);

  const back = await page.evaluate(() => window.playground.setWeights('f32'));
  expect(back).toMatchObject({ weights: 'f32', weightsBytes: f32.weightsBytes });
  const f32Error = await logitError(page, f32Golden('tiny-gpt2'), V);
  console.log(`tiny-gpt2 in the page against the reference: q4 ${q4Error.toExponential(2)}, q8 ${q8Error.toExponential(2)}, f32 ${f32Error.toExponential(2)}; ORT wasm on the same q4 weights ${compared.maxAbsDiffLogits.toExponential(2)}; weights ${q4.weightsBytes} bytes in q4, ${f32.weightsBytes} in f32`);
  expect(Math.max(q4Error, q8Error, f32Error)).toBeLessThan(TOLERANCE);

  const refusal = await page.evaluate(() => window.playground.setWeights('int4' as never).then(() => 'resolved', (error: Error) => error.message));
  expect(refusal).toBe("setWeights: weights must be one of 'auto', 'f32', 'f16', 'q8', 'q4', not the string \"int4\".");

  // The field's choice survives a reload and applies to the next load; 'auto' keeps an f16 checkpoint's values as f16.
  await page.getByTestId('weights-choice').selectOption('q8');
  await expect(page.getByTestId('model-summary')).toContainText('8-bit, blocks of 32');
  await openApp(page);
  await expect(page.getByTestId('weights-choice')).toHaveValue('q8');
  expect((await page.evaluate(() => window.playground.loadModel('tiny-gpt2'))).weights).toBe('q8');
  // The embedded playground-gpt2 is stored f16: 'auto' keeps it so, and it computes exactly what f32 copies of the
  // same values compute.
  const f16 = await page.evaluate(() => window.playground.loadModel('playground-gpt2', { weights: 'auto' }));
  expect(f16.weights).toBe('f16');
  const ids = [464, 2068, 7586, 21831, 18045, 625, 262, 16931, 3290, 13];
  const asF16 = await page.evaluate(async (input) => [...(await window.playground.forward(input)).logits], ids);
  const widened = await page.evaluate(() => window.playground.setWeights('f32'));
  const asF32 = await page.evaluate(async (input) => [...(await window.playground.forward(input)).logits], ids);
  const difference = asF16.reduce((largest, value, i) => Math.max(largest, Math.abs(value - asF32[i])), 0);
  console.log(`playground-gpt2 kept f16 by 'auto': ${f16.weightsBytes} bytes of weights (${widened.weightsBytes} as f32), logits ${difference.toExponential(2)} from the f32 copy`);
  expect(f16.weightsBytes).toBeLessThan(widened.weightsBytes);
  expect(difference).toBeLessThan(1e-5);
});
