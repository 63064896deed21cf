// Qwen2 (Qwen2.5) as Hugging Face's Qwen2ForCausalLM saves it: Llama's architecture and names (./llama.family.ts) with biases
// on q, k and v (none on o_proj or the MLP) and a head size of hidden_size / num_attention_heads. Sliding-window
// attention is refused; Qwen2.5's configs carry sliding_window with use_sliding_window false, which is full attention.

import type { ConfigFields } from '../configFields';
import { decoderFamily } from '../decoder/family';
import { llamaNames, llamaSpec, parseLlamaFields, type LlamaConfig } from './llama.family';

function parseConfig(fields: ConfigFields): LlamaConfig {
  fields.check(fields.boolean('use_sliding_window', false) === false, 'use_sliding_window: true is not supported (sliding-window attention); Qwen2 models with full attention have it false');
  return {
    ...parseLlamaFields(fields, { family: 'qwen2', headDimKey: false, maxPositions: 32768 }),
    qkvBias: true,
    attnOutBias: false,
    mlpBias: false,
  };
}

export const qwen2 = decoderFamily<LlamaConfig>({
  id: 'qwen2',
  label: 'Qwen2',
  modelTypes: ['qwen2'],
  hubSuggestions: ['Qwen/Qwen2.5-0.5B'],
  causalLmArchitecture: 'Qwen2ForCausalLM',
  parseConfig,
  spec: llamaSpec,
  names: () => llamaNames,
  tiedHead: (config) => config.tiedHead,
});
