// What the benchmark measures: matmul at the shapes BERT-base and GPT-2 use, attention, whole forwards and a training
// step. On a software adapter (SwiftShader: a CPU pretending to be a GPU) every size is scaled down so a run takes
// minutes.

export interface MatmulShape {
  M: number;
  K: number;
  N: number;
  use: string;
}

export interface AttentionShape {
  T: number;
  H: number;
  D: number;
  causal: boolean;
}

export interface ModelShape {
  /** config.json fields (Hugging Face names). */
  bert: Record<string, number>;
  gpt2: Record<string, number>;
  T: number; // tokens per forward (BERT) and prompt length (GPT-2 prefill)
  decodeSteps: number; // GPT-2 tokens decoded after the prompt
}

export interface TrainingShape {
  /** config.json fields of the GPT-2 trained (Hugging Face names). */
  gpt2: Record<string, number>;
  B: number; // sequences per step
  T: number; // tokens per sequence
}

export interface BenchShapes {
  scale: 'full' | 'software';
  matmul: MatmulShape[];
  attention: AttentionShape[];
  models: ModelShape;
  training: TrainingShape;
}

const FULL: BenchShapes = {
  scale: 'full',
  matmul: [
    { M: 128, K: 768, N: 768, use: 'attention output / BERT q, k, v' },
    { M: 128, K: 768, N: 3072, use: 'MLP up' },
    { M: 128, K: 3072, N: 768, use: 'MLP down' },
    { M: 1, K: 768, N: 2304, use: 'GPT-2 decode c_attn' },
    { M: 1, K: 768, N: 50257, use: 'GPT-2 decode LM head' },
  ],
  attention: [
    { T: 128, H: 12, D: 64, causal: false },
    { T: 128, H: 12, D: 64, causal: true },
  ],
  models: {
    bert: { vocab_size: 30522, hidden_size: 768, num_hidden_layers: 12, num_attention_heads: 12, intermediate_size: 3072, max_position_embeddings: 512 },
    gpt2: { vocab_size: 50257, n_embd: 768, n_layer: 12, n_head: 12, n_positions: 1024 },
    T: 128,
    decodeSteps: 16,
  },
  // A small GPT-2 (4 layers x 256, GPT-2's vocabulary), 4 sequences of 128 tokens per step.
  training: { gpt2: { vocab_size: 50257, n_embd: 256, n_layer: 4, n_head: 4, n_positions: 128 }, B: 4, T: 128 },
};

const SOFTWARE: BenchShapes = {
  scale: 'software',
  matmul: [
    { M: 32, K: 192, N: 192, use: '128x768x768 / 4' },
    { M: 32, K: 192, N: 768, use: '128x768x3072 / 4' },
    { M: 32, K: 768, N: 192, use: '128x3072x768 / 4' },
    { M: 1, K: 192, N: 576, use: '1x768x2304 / 4' },
    { M: 1, K: 192, N: 12565, use: '1x768x50257 / 4' },
  ],
  attention: [
    { T: 32, H: 4, D: 32, causal: false },
    { T: 32, H: 4, D: 32, causal: true },
  ],
  models: {
    bert: { vocab_size: 2000, hidden_size: 128, num_hidden_layers: 2, num_attention_heads: 4, intermediate_size: 512, max_position_embeddings: 64 },
    gpt2: { vocab_size: 2000, n_embd: 128, n_layer: 2, n_head: 4, n_positions: 64 },
    T: 32,
    decodeSteps: 8,
  },
  // The model rows' GPT-2 (2 layers x 128, vocabulary 2000), 2 sequences of 32 tokens per step.
  training: { gpt2: { vocab_size: 2000, n_embd: 128, n_layer: 2, n_head: 4, n_positions: 64 }, B: 2, T: 32 },
};

export function benchShapes(softwareAdapter: boolean): BenchShapes {
  return softwareAdapter ? SOFTWARE : FULL;
}
