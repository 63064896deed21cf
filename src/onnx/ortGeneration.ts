// Generation in onnxruntime-web's wasm backend (CPU mode: no WebGPU, or a software adapter on which our WGSL runs on
// the CPU 30-50x slower than ORT's wasm): the graph exported with its KV cache (past_key_values.* in, present.* out),
// one session run per token, the next token chosen on the host with the project's sampler (hostSampler.ts, the GPU
// sampler's semantics). Same options, defaults, random numbers (one uniform per step from the seed) and stop rules as
// src/engine/generate.ts, so the same seed gives the same text on either engine, up to float rounding in the logits.
//
// Engine hook: when the engine would generate on a software adapter (or without WebGPU), it exports the live model
// with { attentions: false, pastKeyValues: true }, creates one OrtGeneration per loaded model (release() on swap),
// and calls generate(promptIds, options) with the Generate panel's options; the result says `engine: 'onnxruntime-web
// wasm'` for the UI to show which engine ran.

import { seededUniform } from '../common/random';
import { topK } from '../common/softmax';
import { argmaxHost, sampleHost } from './hostSampler';
import { OrtGpt2Decoder } from './ortDecoder';
import type { OrtModule } from './ortSession';

export interface OrtGenerateOptions {
  maxNewTokens?: number; // default 32
  temperature?: number; // 0 = greedy; default 0.8
  topK?: number; // 0 = off; default 40
  topP?: number; // 1 = off; default 0.95
  seed?: number; // default 0
  /** Ids that end generation, not included in the output. */
  stopIds?: readonly number[];
  signal?: AbortSignal;
  onToken?: (id: number) => void;
  /** How many of the most likely next tokens to report with each step: softmax(logits) as our engine's table. */
  topProbabilities?: number;
  onProbabilities?: (step: number, top: { ids: number[]; probs: number[] }) => void;
}

export interface OrtGenerateResult {
  ids: number[]; // the new ids only
  stoppedBy: 'length' | 'stop-token' | 'context' | 'aborted';
  engine: 'onnxruntime-web wasm';
}

export interface OrtGenerationShape {
  layers: number;
  /** Heads of the cached keys and values (the kv heads of a grouped-query model). */
  kvHeads: number;
  headSize: number;
  /** The context limit (positions). */
  contextLimit: number;
}

/** The k most probable tokens of softmax(row), by probability descending then id ascending (as topKRef). */
function topProbabilitiesOf(row: Float32Array, k: number): { ids: number[]; probs: number[] } {
  let max = -Infinity;
  for (let j = 0; j < row.length; j++) if (row[j] > max) max = row[j];
  let sum = 0;
  for (let j = 0; j < row.length; j++) sum += Math.exp(row[j] - max);
  const best = topK(row, Math.min(k, row.length));
  return { ids: best.map((entry) => entry.index), probs: best.map((entry) => Math.exp(entry.value - max) / sum) };
}

export class OrtGeneration {
  private constructor(
    private readonly decoder: OrtGpt2Decoder,
    private readonly shape: OrtGenerationShape,
  ) {}

  /** `graph`: the model exported with `pastKeyValues: true`. */
  static async create(ort: OrtModule, graph: Uint8Array, shape: OrtGenerationShape): Promise<OrtGeneration> {
    const decoder = await OrtGpt2Decoder.create(ort, graph, 'wasm', { layers: shape.layers, heads: shape.kvHeads, headSize: shape.headSize });
    return new OrtGeneration(decoder, shape);
  }

  async generate(promptIds: readonly number[], options: OrtGenerateOptions = {}): Promise<OrtGenerateResult> {
    const { maxNewTokens = 32, temperature = 0.8, topK = 40, topP = 0.95, seed = 0, stopIds = [], signal, onToken, topProbabilities = 0 } = options;
    const { contextLimit } = this.shape;
    if (promptIds.length === 0) throw new Error('The prompt is empty: type at least one word.');
    if (promptIds.length >= contextLimit) throw new Error(`The prompt has ${promptIds.length} tokens; this model's context limit is ${contextLimit}.`);
    const uniform = seededUniform(seed);
    const done = (stoppedBy: OrtGenerateResult['stoppedBy']): OrtGenerateResult => ({ ids, stoppedBy, engine: 'onnxruntime-web wasm' });
    this.decoder.reset();
    const ids: number[] = [];
    let input: readonly number[] = promptIds;
    let cached = 0;
    while (ids.length < maxNewTokens) {
      if (signal?.aborted) return done('aborted');
      if (cached + input.length > contextLimit) return done('context');
      const logits = await this.decoder.step(input); // (T, V)
      cached += input.length;
      const V = logits.length / input.length;
      const row = logits.subarray(logits.length - V); // (V) the last position's
      if (topProbabilities > 0) options.onProbabilities?.(ids.length, topProbabilitiesOf(row, topProbabilities));
      const next = sampleHost(row, { temperature, topK, topP, uniform: uniform() });
      if (stopIds.includes(next)) return done('stop-token');
      ids.push(next);
      onToken?.(next);
      input = [next];
    }
    return done('length');
  }

  /**
   * The plain loop it is measured against (the benchmark's CPU-mode row): greedy decoding with nothing around the
   * session runs but an argmax, `steps` tokens after the prompt.
   */
  async greedyLoop(promptIds: readonly number[], steps: number): Promise<number[]> {
    this.decoder.reset();
    const ids: number[] = [];
    let input: readonly number[] = promptIds;
    for (let step = 0; step < steps; step++) {
      const logits = await this.decoder.step(input);
      const V = logits.length / input.length;
      ids.push(argmaxHost(logits.subarray(logits.length - V)));
      input = [ids[ids.length - 1]];
    }
    return ids;
  }

  release(): Promise<void> {
    return this.decoder.release();
  }
}
