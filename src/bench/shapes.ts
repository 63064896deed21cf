// What the benchmark measures. 'full': the sizes people load from the Hub (GPT-2 124M, BERT-base, a SmolLM2-135M-shaped
// Llama, the embedded models' fine-tuning steps, a full checkpoint's load), the default on hardware adapters and
// `npm run bench -- --full` anywhere. 'software': every model shape divided by four so that a run on SwiftShader
// (a CPU pretending to be a GPU) takes minutes; the rows whose size is the point (the real vocabulary, the embedded
// models' training steps, CPU-mode generation) keep their real sizes in both.

import type { WeightFormat } from '../models/backend';

export type BenchScale = 'full' | 'software';

export interface MatmulShape {
  M: number;
  K: number;
  N: number;
  /** 'kn': w is (K, N) (GPT-2's Conv1D); 'nk': (N, K) (torch Linear, a tied LM head). Default 'kn'. */
  wLayout?: 'kn' | 'nk';
  use: string;
}

export interface AttentionShape {
  T: number;
  H: number;
  D: number;
  causal: boolean;
}

/** A decoder timed at some prompt lengths (prefill) and, optionally, decoding after a prompt. */
export interface DecoderRows {
  label: string;
  /** config.json (Hugging Face field names, model_type included). */
  config: Record<string, unknown>;
  prefill: { T: number; logits: 'all' | 'last' }[];
  /**
   * Each: `steps` tokens decoded after an `after`-token prompt (a long one times the long-context attention path),
   * with the matmul weights stored in `weights` (default f32; packed formats: kernels/matmul/packed.ref.ts).
   */
  decode?: { after: number; steps: number; weights?: WeightFormat }[];
}

export interface EncoderRows {
  label: string;
  config: Record<string, unknown>;
  T: number[];
}

export interface TrainingShape {
  label: string;
  config: Record<string, unknown>;
  task: 'classification' | 'causal-lm';
  B: number; // sequences per step
  T: number; // tokens per sequence
}

export interface BenchShapes {
  scale: BenchScale;
  matmul: MatmulShape[];
  attention: AttentionShape[];
  encoders: EncoderRows[];
  decoders: DecoderRows[];
  /** Rows of a Llama-family model, run only when src/models/registry.ts has the family. */
  llama: DecoderRows;
  training: TrainingShape[];
  /** A checkpoint loaded from bytes in memory to its first forward (time, peak JS heap). */
  load: { label: string; config: Record<string, unknown> } | null;
  /** CPU-mode generation (onnxruntime-web wasm, host sampling) against a plain ORT wasm decode loop. */
  generation: { label: string; config: Record<string, unknown>; prompt: number; steps: number };
}

const GPT2_124M = { model_type: 'gpt2', vocab_size: 50257, n_embd: 768, n_layer: 12, n_head: 12, n_positions: 1024 };
const BERT_BASE = {
  model_type: 'bert', vocab_size: 30522, hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12,
  intermediate_size: 3072, max_position_embeddings: 512,
};
/** SmolLM2-135M's dimensions (its context cut to 512 positions: the KV cache is allocated for all of them). */
const SMOLLM2_135M = {
  model_type: 'llama', vocab_size: 49152, hidden_size: 576, num_hidden_layers: 30, num_attention_heads: 9,
  num_key_value_heads: 3, intermediate_size: 1536, max_position_embeddings: 512, rms_norm_eps: 1e-5, rope_theta: 100000,
  tie_word_embeddings: true, hidden_act: 'silu',
};
/** The embedded models (public/models/*): their configs, synthetic weights. */
const EMBEDDED_BERT = { ...BERT_BASE, hidden_size: 128, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 512, max_position_embeddings: 128 };
const EMBEDDED_GPT2 = { ...GPT2_124M, n_embd: 128, n_layer: 3, n_head: 4, n_positions: 128 };
/** A width-64 GPT-2 with the real vocabulary: the LM head is almost all of its work. */
const VOCAB_GPT2 = { ...GPT2_124M, n_embd: 64, n_layer: 2, n_head: 4, n_positions: 64 };

const SHARED = {
  // The vocabulary row: 13 tokens through a width-64 GPT-2 with the real 50,257 vocabulary, every row's logits and
  // the last row's only (what generation and compare need).
  vocab: { label: 'GPT-2 C=64 V=50257', config: VOCAB_GPT2, prefill: [{ T: 13, logits: 'all' as const }, { T: 13, logits: 'last' as const }] },
  training: [
    { label: 'embedded BERT', config: EMBEDDED_BERT, task: 'classification' as const, B: 16, T: 48 },
    { label: 'embedded GPT-2', config: EMBEDDED_GPT2, task: 'causal-lm' as const, B: 8, T: 64 },
  ],
  generation: { label: 'GPT-2 124M', config: GPT2_124M, prompt: 16, steps: 16 },
};

const FULL: BenchShapes = {
  scale: 'full',
  matmul: [
    { M: 128, K: 768, N: 768, use: 'attention output / BERT q, k, v' },
    { M: 128, K: 768, N: 3072, use: 'MLP up' },
    { M: 128, K: 3072, N: 768, use: 'MLP down' },
    { M: 13, K: 768, N: 3072, use: 'a short prompt, MLP up (split-K)' },
    { M: 1, K: 768, N: 2304, use: 'GPT-2 decode c_attn' },
    { M: 1, K: 768, N: 50257, wLayout: 'nk', use: 'GPT-2 decode LM head (tied, odd N)' },
  ],
  attention: [
    { T: 128, H: 12, D: 64, causal: false },
    { T: 128, H: 12, D: 64, causal: true },
  ],
  encoders: [{ label: 'BERT-base', config: BERT_BASE, T: [32, 128] }],
  decoders: [
    {
      label: 'GPT-2 124M', config: GPT2_124M, prefill: [{ T: 32, logits: 'all' }, { T: 32, logits: 'last' }, { T: 128, logits: 'all' }],
      // After 512 tokens a decode step attends over 512+ keys: split-key attention on a GPU (src/kernels/attention).
      // Packed weights: decoding reads every weight once per token, so f16 and 4-bit weights cut the bytes it waits on.
      decode: [{ after: 32, steps: 8 }, { after: 512, steps: 8 }, { after: 32, steps: 8, weights: 'f16' }, { after: 32, steps: 8, weights: 'q4' }],
    },
    SHARED.vocab,
  ],
  llama: { label: 'SmolLM2-135M shape', config: SMOLLM2_135M, prefill: [{ T: 32, logits: 'last' }], decode: [{ after: 32, steps: 8 }] },
  training: SHARED.training,
  load: { label: 'GPT-2 124M', config: GPT2_124M },
  generation: SHARED.generation,
};

const SOFTWARE: BenchShapes = {
  scale: 'software',
  matmul: [
    { M: 32, K: 192, N: 192, use: '128x768x768 / 4' },
    { M: 32, K: 192, N: 768, use: '128x768x3072 / 4' },
    { M: 32, K: 768, N: 192, use: '128x3072x768 / 4' },
    { M: 1, K: 192, N: 576, use: '1x768x2304 / 4' },
    { M: 1, K: 192, N: 12565, wLayout: 'nk', use: '1x768x50257 / 4, tied LM head (odd N)' },
  ],
  attention: [
    { T: 32, H: 4, D: 32, causal: false },
    { T: 32, H: 4, D: 32, causal: true },
  ],
  encoders: [{ label: 'BERT (2x128)', config: { ...BERT_BASE, vocab_size: 2000, hidden_size: 128, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 512, max_position_embeddings: 64 }, T: [32] }],
  decoders: [
    {
      label: 'GPT-2 (2x128)', config: { ...GPT2_124M, vocab_size: 2000, n_embd: 128, n_layer: 2, n_head: 4, n_positions: 64 }, prefill: [{ T: 32, logits: 'all' }],
      decode: [{ after: 32, steps: 8 }, { after: 32, steps: 8, weights: 'q4' }],
    },
    SHARED.vocab,
  ],
  llama: {
    label: 'Llama (2x128, 2 kv heads)',
    config: { ...SMOLLM2_135M, vocab_size: 2000, hidden_size: 128, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, intermediate_size: 384, max_position_embeddings: 64 },
    prefill: [{ T: 32, logits: 'all' }],
    decode: [{ after: 32, steps: 8 }],
  },
  training: SHARED.training,
  load: null,
  generation: SHARED.generation,
};

export function benchShapes(scale: BenchScale): BenchShapes {
  return scale === 'full' ? FULL : SOFTWARE;
}
