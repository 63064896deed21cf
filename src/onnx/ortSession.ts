// Runs an exported graph in onnxruntime-web. The `ort` module is passed in: the page loads the WebGPU build
// lazily (ortModule.ts), the Node tests import `onnxruntime-web` (its wasm build).

import type * as Ort from 'onnxruntime-web';

export type OrtModule = typeof Ort;
export type OrtProvider = 'webgpu' | 'wasm';

export interface OrtForward {
  /** logits (T, V), or last_hidden_state (T, C) for a BERT without an MLM head. */
  logits: Float32Array;
  attentions: Float32Array[]; // (L) x (H, T, T)
  ms: number; // wall time of session.run, outputs on the CPU
}

/** `keepOnGpu`: outputs that stay in GPU buffers with the WebGPU provider (a KV cache fed back as the next input). */
export function createOrtSession(ort: OrtModule, bytes: Uint8Array, provider: OrtProvider, keepOnGpu: string[] = []): Promise<Ort.InferenceSession> {
  const preferredOutputLocation = provider === 'webgpu' && keepOnGpu.length > 0
    ? Object.fromEntries(keepOnGpu.map((name) => [name, 'gpu-buffer' as const]))
    : undefined;
  // logSeverityLevel 3: errors only. ORT's session warnings (nodes placed on the CPU provider) go to console.error
  // with terminal colour codes otherwise, and read as failures of the page.
  return ort.InferenceSession.create(bytes, { executionProviders: [provider], graphOptimizationLevel: 'all', preferredOutputLocation, logSeverityLevel: 3 });
}

/** One sequence (B = 1) through the session; `attentions` fetches every attentions.{layer} output too. */
export async function runOrt(
  ort: OrtModule,
  session: Ort.InferenceSession,
  ids: readonly number[],
  options: { tokenTypeIds?: readonly number[]; attentionMask?: readonly number[]; attentions: boolean },
): Promise<OrtForward> {
  const T = ids.length;
  const int64 = (values: readonly number[]) => new ort.Tensor('int64', BigInt64Array.from(values, (v) => BigInt(v)), [1, T]);
  const feeds: Record<string, Ort.Tensor> = {};
  for (const name of session.inputNames) {
    if (name === 'input_ids') feeds[name] = int64(ids);
    else if (name === 'attention_mask') feeds[name] = int64(options.attentionMask ?? new Array<number>(T).fill(1));
    else if (name === 'token_type_ids') feeds[name] = int64(options.tokenTypeIds ?? new Array<number>(T).fill(0));
    else throw new Error(`The ONNX graph has an input this page cannot fill: ${name}`);
  }
  const [main, ...rest] = session.outputNames;
  const attentionNames = options.attentions ? rest.filter((name) => name.startsWith('attentions.')) : [];
  const started = performance.now();
  const outputs = await session.run(feeds, [main, ...attentionNames]);
  const ms = performance.now() - started;
  const floats = (name: string) => outputs[name].data as Float32Array;
  return { logits: floats(main), attentions: attentionNames.map(floats), ms };
}
