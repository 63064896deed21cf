import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';

// GPT-NeoX (partial rotary, parallel residual) and Llama (RMSNorm, full rotary, grouped-query attention, SwiGLU) in the
// page, loaded by Hub id from the local stand-in (scripts/hub-server.mjs serves test/fixtures/models/<name>, with the
// tokenizers of scripts/reference/make-decoder-fixture-tokenizers.mjs): logits and every query head's attention
// against the float64 torch reference's goldens, generation with the KV cache against recomputing every step, and the
// ONNX export in ORT WebGPU and wasm.
// The stand-in's address: playwright.config.ts's, or the default port.
const HUB = process.env.PLAYGROUND_HUB_URL ?? 'http://127.0.0.1:4180';
const TOLERANCE = 1e-4;

interface Golden {
  cases: { name: string; input_ids: number[]; logits: number[][]; attentions?: number[][][][] }[];
}

const golden = (name: string) => JSON.parse(readFileSync(`test/fixtures/models/${name}/golden.json`, 'utf8')) as Golden;

async function openApp(page: Page) {
  await page.goto(`./?hub=${encodeURIComponent(HUB)}`);
  await expect(page.locator('.device-info')).toHaveAttribute('data-gpu-status', /ready|unavailable/, { timeout: 60_000 });
}

const FAMILIES = [
  { name: 'tiny-gpt-neox', modelType: 'gpt_neox', L: 2, H: 4, Hkv: 4, V: 512 },
  { name: 'tiny-llama', modelType: 'llama', L: 2, H: 4, Hkv: 2, V: 512 },
];

for (const { name, modelType, L, H, Hkv, V } of FAMILIES) {
  test(`${name} by Hub id: the reference's logits and every query head's attention, KV-cache generation, ORT WebGPU and wasm`, async ({ page }) => {
    await openApp(page);
    const info = await page.evaluate((id) => window.playground.loadModel(id), name);
    expect(info.modelType).toBe(modelType);
    expect(info.config.dims).toMatchObject({ L, H, Hkv });

    // Forward: logits (T, V) and attention (L) x (H, T, T), one map per query head.
    let logitError = 0;
    let attentionError = 0;
    for (const c of golden(name).cases.filter((c) => c.attentions)) {
      const result = await page.evaluate(async (ids) => {
        const { logits, attentions } = await window.playground.forward(ids);
        return { logits: [...logits], attentions: attentions.map((layer) => [...layer]) };
      }, c.input_ids);
      const T = c.input_ids.length;
      expect(result.attentions.map((layer) => layer.length)).toEqual(Array(L).fill(H * T * T));
      c.logits.forEach((row, t) => row.forEach((value, v) => (logitError = Math.max(logitError, Math.abs(result.logits[t * V + v] - value)))));
      c.attentions!.forEach((layer, l) => layer.flat(2).forEach((value, i) => (attentionError = Math.max(attentionError, Math.abs(result.attentions[l][i] - value)))));
    }
    console.log(`${name}: page forward vs torch reference, logits ${logitError.toExponential(2)}, attention ${attentionError.toExponential(2)}`);
    expect(logitError).toBeLessThan(TOLERANCE);
    expect(attentionError).toBeLessThan(TOLERANCE);

    // Greedy generation with the KV cache picks the tokens a full recompute of every step picks.
    const prompt = 'The whale';
    const generated = await page.evaluate((text) => window.playground.generate(text, { maxNewTokens: 8, temperature: 0 }), prompt);
    const promptIds = (await page.evaluate(({ text, id }) => window.playground.tokenize(text, id), { text: prompt, id: name })).ids;
    const recomputed: number[] = [];
    while (recomputed.length < generated.ids.length) {
      const ids = [...promptIds, ...recomputed];
      const logits = await page.evaluate(async (input) => [...(await window.playground.forward(input)).logits], ids);
      const last = logits.slice((ids.length - 1) * V, ids.length * V);
      recomputed.push(last.indexOf(Math.max(...last)));
    }
    console.log(`${name}: generated ${JSON.stringify(generated.ids)} (${JSON.stringify(generated.text)})`);
    expect(generated.ids.length).toBeGreaterThan(0);
    expect(generated.ids).toEqual(recomputed);

    for (const provider of ['webgpu', 'wasm'] as const) {
      const input = golden(name).cases[1].input_ids;
      const result = await page.evaluate(({ ids, provider }) => window.playground.compareWithOrt(ids, { provider }), { ids: input, provider });
      console.log(`${name} vs its ONNX export in ORT ${provider}: logits ${result.maxAbsDiffLogits.toExponential(2)}, attention ${result.maxAbsDiffAttention?.toExponential(2)}`);
      expect(result.provider).toBe(provider);
      expect(result.maxAbsDiffLogits).toBeLessThan(TOLERANCE);
      expect(result.maxAbsDiffAttention).toBeLessThan(TOLERANCE);
    }
  });
}
