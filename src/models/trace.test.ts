// The walkthrough's trace is the engine's own numbers: each stage follows from the previous ones by the formula the
// "How it works" tab shows, and the traced forward gives exactly the logits and attention of a plain forward.
import { describe, expect, it } from 'vitest';
import { buildModel } from './checkpoint';
import { createCpuBackend } from './cpuBackend';
import { createGpuBackend } from './gpuBackend';
import { testGpu } from '../kernels/testing';
import type { Backend } from './backend';
import { FIXTURES, maxAbsDiff, readCheckpoint } from './testing/golden';
import type { LayerTrace } from './family';
import { join } from 'node:path';

const TOLERANCE = 1e-5;

/** softmax(q·kᵀ/√D + mask) for every head from the traced q|k|v rows (query head h reads kv head ⌊h/(H/Hkv)⌋). */
function scoresAndProbs(layer: LayerTrace, T: number, H: number, Hkv: number, D: number, causal = true) {
  const W = (H + 2 * Hkv) * D;
  const probs = new Float32Array(H * T * T);
  const mixed = new Float32Array(T * H * D);
  for (let h = 0; h < H; h++) {
    const g = Math.floor(h / (H / Hkv));
    for (let i = 0; i < T; i++) {
      const scores: number[] = [];
      for (let j = 0; j < (causal ? i + 1 : T); j++) {
        let dot = 0;
        for (let d = 0; d < D; d++) dot += layer.qkv[i * W + h * D + d] * layer.qkv[j * W + (H + g) * D + d];
        scores.push(dot / Math.sqrt(D));
      }
      const max = Math.max(...scores);
      const exp = scores.map((score) => Math.exp(score - max));
      const sum = exp.reduce((a, b) => a + b, 0);
      exp.forEach((value, j) => {
        probs[(h * T + i) * T + j] = value / sum;
        for (let d = 0; d < D; d++) mixed[i * H * D + h * D + d] += (value / sum) * layer.qkv[j * W + (H + Hkv + g) * D + d];
      });
    }
  }
  return { probs, mixed };
}

const BACKENDS: [string, () => Promise<Backend<unknown>>][] = [
  ['cpu', async () => createCpuBackend() as Backend<unknown>],
  ['webgpu', async () => createGpuBackend(await testGpu()) as Backend<unknown>],
];

describe.each(['tiny-gpt2', 'tiny-gpt-neox', 'tiny-llama'])('the trace of %s', (name) => {
  it.each(BACKENDS)('on %s gives the plain forward\'s logits and attention, and every stage follows from the ones before', async (backendName, makeBackend) => {
    const loaded = buildModel(await makeBackend(), readCheckpoint(join(FIXTURES, 'models', name)));
    const { model, config } = loaded;
    const { H, Hkv, D, C, V, L } = config.dims;
    const ids = [3, 17, 250, 99, 4, 42, 7];
    const T = ids.length;
    const plain = await model.forward({ ids }, { logits: 'all', saveAttention: true });
    model.resetCache();
    const { trace, logits, attentions } = await model.forward({ ids }, { logits: 'all', saveAttention: true, trace: {} });
    model.resetCache();
    expect(maxAbsDiff(logits!, plain.logits!)).toBe(0);
    expect(attentions).toEqual(plain.attentions);
    const t = trace!;
    expect(t.layers).toHaveLength(L);
    const { token, position, sum } = t.embeddings;
    expect(maxAbsDiff(sum, position ? addRows(token, position) : token)).toBeLessThan(TOLERANCE);
    t.layers.forEach((layer, l) => {
      expect(layer!.probs).toEqual(plain.attentions![l]);
      const { probs, mixed } = scoresAndProbs(layer!, T, H, Hkv, D);
      expect(maxAbsDiff(probs, layer!.probs), `layer ${l} probs`).toBeLessThan(TOLERANCE);
      expect(maxAbsDiff(mixed, layer!.mixed), `layer ${l} mixed`).toBeLessThan(TOLERANCE);
      expect(maxAbsDiff(layer!.residual1, addRows(layer!.input, layer!.attnOut)), `layer ${l} residual1`).toBeLessThan(TOLERANCE);
      // Sequential: residual2 = residual1 + ffnOut; parallel (NeoX): input + attnOut + ffnOut, the same sum.
      expect(maxAbsDiff(layer!.residual2, addRows(layer!.residual1, layer!.ffnOut)), `layer ${l} residual2`).toBeLessThan(TOLERANCE);
      if (l + 1 < L) expect(t.layers[l + 1]!.input).toEqual(layer!.residual2);
    });
    // The logit lens of the last layer is the model's own prediction at that position.
    const last = t.layers[L - 1]!.lens!;
    expect(last).toHaveLength(V);
    expect(maxAbsDiff(last, logits!.subarray(t.lensPosition * V, (t.lensPosition + 1) * V))).toBeLessThan(TOLERANCE);
    expect(t.final.normed).toHaveLength(T * C);
    console.log(`[trace] ${name} on ${backendName}: ${L} layers, every stage consistent; last-layer lens = logits at position ${t.lensPosition}`);
    model.dispose();
  });

  it('reads only the layers asked for', async () => {
    const { model } = buildModel(createCpuBackend(), readCheckpoint(join(FIXTURES, 'models', name)));
    const { trace } = await model.forward({ ids: [5, 6, 7] }, { trace: { layers: [1], lensPosition: 0 } });
    expect(trace!.layers[0]).toBeUndefined();
    expect(trace!.layers[1]!.lens).toBeDefined();
    expect(trace!.lensPosition).toBe(0);
    model.resetCache();
    await expect(model.forward({ ids: [5, 6, 7] }, { trace: { layers: [9] } })).rejects.toThrow(/Layer 9 is outside/);
  });
});

function addRows(a: Float32Array, b: Float32Array): Float32Array {
  return a.map((value, i) => value + b[i]);
}

describe.each(['tiny-bert', 'tiny-distilbert', 'tiny-roberta'])('the trace of encoder %s', (name) => {
  it.each(BACKENDS)('on %s: plain outputs, bidirectional attention from q and k, embeddings as table rows, LayerNorm residuals, the lens', async (backendName, makeBackend) => {
    const { model, config } = buildModel(await makeBackend(), readCheckpoint(join(FIXTURES, 'models', name)));
    const { H, D, C, V, L, eps } = config.dims;
    const ids = [5, 17, 250, 99, 4, 42, 7];
    const T = ids.length;
    const plain = await model.forward({ ids }, { logits: 'all', saveAttention: true, hidden: true });
    const { trace, logits } = await model.forward({ ids }, { logits: 'all', hidden: true, trace: { lensPosition: 2 } });
    expect(logits).toEqual(plain.logits);
    const t = trace!;
    const { token, position, tokenType, sum } = t.embeddings;
    const expected = addRows(addRows(token, position!), tokenType ?? new Float32Array(T * C));
    expect(maxAbsDiff(sum, expected)).toBeLessThan(TOLERANCE);
    const tensors = new Map((await model.readTensors()).map((tensor) => [tensor.name, tensor.data]));
    t.layers.forEach((layer, l) => {
      expect(layer!.probs).toEqual(plain.attentions![l]);
      const { probs, mixed } = scoresAndProbs(layer!, T, H, H, D, false);
      expect(maxAbsDiff(probs, layer!.probs), `layer ${l} probs`).toBeLessThan(TOLERANCE);
      expect(maxAbsDiff(mixed, layer!.mixed), `layer ${l} mixed`).toBeLessThan(TOLERANCE);
      if (name === 'tiny-bert') {
        const ln = (path: string, x: Float32Array) => layerNorm(x, tensors.get(`${path}.weight`)!, tensors.get(`${path}.bias`)!, C, eps);
        const at = `bert.encoder.layer.${l}`;
        expect(maxAbsDiff(layer!.residual1, ln(`${at}.attention.output.LayerNorm`, addRows(layer!.input, layer!.attnOut))), `layer ${l} residual1`).toBeLessThan(TOLERANCE);
        expect(maxAbsDiff(layer!.residual2, ln(`${at}.output.LayerNorm`, addRows(layer!.residual1, layer!.ffnOut))), `layer ${l} residual2`).toBeLessThan(TOLERANCE);
      }
      if (l + 1 < L) expect(t.layers[l + 1]!.input).toEqual(layer!.residual2);
    });
    expect(t.final.normed).toEqual(plain.hidden);
    expect(maxAbsDiff(t.layers[L - 1]!.lens!, logits!.subarray(2 * V, 3 * V))).toBeLessThan(TOLERANCE);
    console.log(`[trace] ${name} on ${backendName}: ${L} layers consistent; last-layer lens = MLM logits at position 2`);
    model.dispose();
  });
});

function layerNorm(x: Float32Array, gamma: Float32Array, beta: Float32Array, C: number, eps: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let r = 0; r < x.length / C; r++) {
    const row = x.subarray(r * C, (r + 1) * C);
    const mean = row.reduce((a, b) => a + b, 0) / C;
    const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / C;
    for (let c = 0; c < C; c++) out[r * C + c] = ((row[c] - mean) / Math.sqrt(variance + eps)) * gamma[c] + beta[c];
  }
  return out;
}
