// Autoregressive generation with a decoder: prefill the prompt, then one token per step from the KV cache. Each step
// samples on the backend, so only the chosen id comes back (4 bytes, not the logits).

import { seededUniform } from '../common/random';
import type { LanguageModel, SamplingOptions } from '../models/family';

export interface GenerateOptions {
  maxNewTokens?: number; // default 32
  /** 0 = greedy (argmax). Default 0.8. */
  temperature?: number;
  topK?: number; // 0 = off; default 40
  topP?: number; // 1 = off; default 0.95
  /** Seed of the sampler's random numbers: the same seed gives the same text. */
  seed?: number;
  /** Token ids that end generation (e.g. GPT-2's <|endoftext|>), not included in the output. */
  stopIds?: number[];
  signal?: AbortSignal;
  /** Called with every new id as it comes. */
  onToken?: (id: number) => void;
  /** How many of the most likely next tokens to report with each step (the probability table). */
  topProbabilities?: number;
  onProbabilities?: (step: number, top: { ids: number[]; probs: number[] }) => void;
  /**
   * Each step's attention, (L) x (H, Tq, Tk): the prompt's rows at step 0, then the one row of each new token
   * over everything before it. Reading it back costs time; leave it unset when not shown.
   */
  onAttention?: (step: number, attentions: Float32Array[]) => void;
}

export interface GenerateResult {
  ids: number[]; // the new ids only
  stoppedBy: 'length' | 'stop-token' | 'context' | 'aborted';
}


export async function generate<Buf>(model: LanguageModel<Buf>, promptIds: readonly number[], options: GenerateOptions = {}): Promise<GenerateResult> {
  const { maxNewTokens = 32, temperature = 0.8, topK = 40, topP = 0.95, seed = 0, stopIds = [], signal } = options;
  if (promptIds.length === 0) throw new Error('The prompt is empty: type at least one word.');
  const contextLimit = model.config.dims.P;
  if (promptIds.length >= contextLimit) {
    throw new Error(`The prompt has ${promptIds.length} tokens; this model's context limit is ${contextLimit}.`);
  }
  const uniform = seededUniform(seed);
  const sampling = (): SamplingOptions => ({ temperature, topK, topP, uniform: uniform() });
  model.resetCache();
  const ids: number[] = [];
  let input = [...promptIds];
  while (ids.length < maxNewTokens) {
    if (signal?.aborted) return { ids, stoppedBy: 'aborted' };
    if (model.cacheLength + input.length > contextLimit) return { ids, stoppedBy: 'context' };
    const step = await model.forward({ ids: input }, {
      logits: 'none',
      sample: sampling(),
      topK: options.topProbabilities,
      saveAttention: options.onAttention !== undefined,
    });
    if (step.attentions) options.onAttention?.(ids.length, step.attentions);
    if (step.top) options.onProbabilities?.(ids.length, step.top);
    const next = step.nextId!;
    if (stopIds.includes(next)) return { ids, stoppedBy: 'stop-token' };
    ids.push(next);
    options.onToken?.(next);
    input = [next];
  }
  return { ids, stoppedBy: 'length' };
}
