// Test support for the ONNX export tests (exportOnnx.test.ts, exportOnnxPacked.test.ts): a fixture's golden inputs,
// our engine's forward on them, and KV-cache decoding in ORT wasm against ours.
import { join } from 'node:path';
import type * as Ort from 'onnxruntime-web';
import type { LoadedModel } from '../../models/checkpoint';
import type { CpuBuffer } from '../../models/cpuBackend';
import { maxAbsDiff, readGolden } from '../../models/testing/golden';
import { OrtGpt2Decoder } from '../ortDecoder';

export interface GoldenInput {
  ids: number[];
  tokenTypeIds?: number[];
  attentionMask?: number[];
}

/** Every case's inputs of a fixture folder's golden.json. */
export function goldenInputs(dir: string): GoldenInput[] {
  return readGolden(join(dir, 'golden.json')).cases.map((c) => ({ ids: c.input_ids, tokenTypeIds: c.token_type_ids, attentionMask: c.attention_mask }));
}

/** Our forward with every layer's attention: the LM logits, or the last hidden states without an LM head. */
export async function ours(loaded: LoadedModel<CpuBuffer>, input: GoldenInput) {
  const { model } = loaded;
  model.resetCache();
  const lm = model.heads.lm;
  const result = await model.forward(input, { saveAttention: true, logits: lm ? 'all' : 'none', hidden: !lm });
  return { logits: (lm ? result.logits : result.hidden)!, attentions: result.attentions! };
}

/**
 * A decoder's KV-cache graph in ORT wasm against our KV cache: a 5-token prefill, then one token at a time over the
 * rest of `ids`; the largest logit difference over every step.
 */
export async function kvCacheDecodeDiff(ort: typeof Ort, loaded: LoadedModel<CpuBuffer>, graph: Uint8Array, ids: number[]): Promise<{ worst: number; steps: number }> {
  const { L, Hkv, D } = loaded.config.dims;
  const decoder = await OrtGpt2Decoder.create(ort, graph, 'wasm', { layers: L, heads: Hkv, headSize: D });
  loaded.model.resetCache();
  const steps = [ids.slice(0, 5), ...ids.slice(5).map((id) => [id])];
  let worst = 0;
  for (const step of steps) {
    const theirs = await decoder.step(step);
    const mine = (await loaded.model.forward({ ids: step }, { logits: 'all' })).logits!;
    worst = Math.max(worst, maxAbsDiff(theirs, mine));
  }
  await decoder.release();
  return { worst, steps: steps.length };
}
