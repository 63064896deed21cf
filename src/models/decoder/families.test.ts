// GPT-NeoX, Llama and Qwen2 beyond the conformance suite: config parsing and refusals, export back to Hugging Face's
// names (round trip through the loader), the LM head tied as config.json says, q and k saved after the rotary
// embedding, memory estimates from the shapes the model allocates (parameter counts of real checkpoints, a KV cache
// of the kv heads only), and the fixture tokenizers the end-to-end tests type into against Hugging Face's Rust library.
import { Tokenizer as RustTokenizer } from '@anush008/tokenizers';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareWithRust, parityInputs } from '../../../test/parity/compare';
import { loadTokenizer } from '../../tokenizers/tokenizer';
import { WeightsError } from '../../weights/errors';
import { hostSource } from '../../weights/host-source';
import type { HostTensor } from '../../weights/host-tensor';
import type { Backend } from '../backend';
import { buildModel } from '../checkpoint';
import { createCpuBackend, type CpuBuffer } from '../cpuBackend';
import { familyOf, parseModelConfig } from '../registry';
import { FIXTURES, maxAbsDiff, readCheckpoint, readGolden } from '../testing/golden';

const fixture = (name: string) => join(FIXTURES, 'models', name);
const DECODERS = ['tiny-gpt-neox', 'tiny-gpt-neox-sequential', 'tiny-llama', 'tiny-llama-tied', 'tiny-llama-rope-linear', 'tiny-qwen2'];

// config.json as the Hub serves these models (fields as published).
const PYTHIA_70M = {
  architectures: ['GPTNeoXForCausalLM'], bos_token_id: 0, eos_token_id: 0, hidden_act: 'gelu', hidden_size: 512, initializer_range: 0.02,
  intermediate_size: 2048, layer_norm_eps: 1e-5, max_position_embeddings: 2048, model_type: 'gpt_neox', num_attention_heads: 8,
  num_hidden_layers: 6, rotary_emb_base: 10000, rotary_pct: 0.25, tie_word_embeddings: false, torch_dtype: 'float16',
  transformers_version: '4.24.0', use_cache: true, use_parallel_residual: true, vocab_size: 50304,
};
const SMOLLM2_135M = {
  architectures: ['LlamaForCausalLM'], attention_bias: false, attention_dropout: 0.0, bos_token_id: 0, eos_token_id: 0, hidden_act: 'silu',
  hidden_size: 576, initializer_range: 0.041666666666666664, intermediate_size: 1536, is_llama_config: true, max_position_embeddings: 8192,
  model_type: 'llama', num_attention_heads: 9, num_hidden_layers: 30, num_key_value_heads: 3, pretraining_tp: 1, rms_norm_eps: 1e-5,
  rope_interleaved: false, rope_scaling: null, rope_theta: 100000, tie_word_embeddings: true, torch_dtype: 'bfloat16',
  transformers_version: '4.42.3', use_cache: true, vocab_size: 49152,
};
const TINYLLAMA = {
  architectures: ['LlamaForCausalLM'], attention_bias: false, bos_token_id: 1, eos_token_id: 2, hidden_act: 'silu', hidden_size: 2048,
  initializer_range: 0.02, intermediate_size: 5632, max_position_embeddings: 2048, model_type: 'llama', num_attention_heads: 32,
  num_hidden_layers: 22, num_key_value_heads: 4, pretraining_tp: 1, rms_norm_eps: 1e-5, rope_scaling: null, rope_theta: 10000.0,
  tie_word_embeddings: false, torch_dtype: 'bfloat16', transformers_version: '4.35.0', use_cache: true, vocab_size: 32000,
};
const QWEN2 = readCheckpoint(fixture('tiny-qwen2')).config as Record<string, unknown>;

describe('config.json of the rotary decoders', () => {
  it('normalises Pythia, SmolLM2 and TinyLlama, running at most 1024 positions', () => {
    expect(parseModelConfig(PYTHIA_70M)).toMatchObject({
      family: 'gpt_neox', dims: { L: 6, C: 512, H: 8, Hkv: 8, D: 64, F: 2048, V: 50304, P: 1024, eps: 1e-5, activation: 'gelu_erf', positions: 'rotary', norm: 'layernorm' },
      rotaryDim: 16, rotaryBase: 10000, rotaryScale: 1, parallelResidual: true, tiedHead: false, maxPositionEmbeddings: 2048,
    });
    expect(parseModelConfig(SMOLLM2_135M)).toMatchObject({
      family: 'llama', dims: { L: 30, C: 576, H: 9, Hkv: 3, D: 64, F: 1536, V: 49152, P: 1024, eps: 1e-5, activation: 'silu', norm: 'rmsnorm' },
      ropeTheta: 100000, ropeScale: 1, qkvBias: false, attnOutBias: false, mlpBias: false, tiedHead: true, maxPositionEmbeddings: 8192,
      special: { bos: 0, eos: 0 },
    });
    expect(parseModelConfig(TINYLLAMA)).toMatchObject({ dims: { H: 32, Hkv: 4, D: 64, P: 1024 }, tiedHead: false, special: { bos: 1, eos: 2 } });
    expect(parseModelConfig(QWEN2)).toMatchObject({ family: 'qwen2', dims: { H: 4, Hkv: 1, D: 8, P: 64 }, ropeTheta: 1e6, qkvBias: true, attnOutBias: false, tiedHead: true });
  });

  it('reads head_dim (Llama), attention_bias / mlp_bias and both spellings of a linear rope_scaling', () => {
    const config = parseModelConfig({ ...SMOLLM2_135M, head_dim: 128, attention_bias: true, mlp_bias: true, rope_scaling: { type: 'linear', factor: 4 } });
    expect(config).toMatchObject({ dims: { D: 128, C: 576 }, qkvBias: true, attnOutBias: true, mlpBias: true, ropeScale: 4 });
    expect(parseModelConfig({ ...SMOLLM2_135M, rope_scaling: { rope_type: 'default' } })).toMatchObject({ ropeScale: 1 });
    expect(parseModelConfig({ ...PYTHIA_70M, rope_scaling: { type: 'linear', factor: 2 }, use_parallel_residual: false })).toMatchObject({ rotaryScale: 2, parallelResidual: false });
    // Qwen2 reads no head_dim (transformers 4.45): the head size stays hidden_size / num_attention_heads.
    expect(parseModelConfig({ ...QWEN2, head_dim: 16 }).dims.D).toBe(8);
  });

  it.each([
    [{ ...SMOLLM2_135M, rope_scaling: { rope_type: 'llama3', factor: 8 } }, 'rope_scaling type "llama3" is not supported (supported: linear, or none)'],
    [{ ...SMOLLM2_135M, rope_scaling: { type: 'dynamic', factor: 2 } }, 'rope_scaling type "dynamic" is not supported'],
    [{ ...PYTHIA_70M, rope_scaling: { type: 'linear', factor: -1 } }, 'rope_scaling.factor must be a positive number'],
    [{ ...PYTHIA_70M, rope_scaling: 'linear' }, 'rope_scaling must be an object'],
    [{ ...QWEN2, use_sliding_window: true }, 'use_sliding_window: true is not supported (sliding-window attention)'],
    [{ ...SMOLLM2_135M, num_key_value_heads: 2 }, 'num_attention_heads 9 is not a multiple of num_key_value_heads 2'],
    [{ ...SMOLLM2_135M, hidden_act: 'gelu' }, 'hidden_act "gelu" is not supported (supported: silu)'],
    [{ ...PYTHIA_70M, rotary_pct: 0.02 }, 'rotary_pct 0.02 gives 1 rotary channels of the head size 64; this app needs a positive even number'],
    [{ ...PYTHIA_70M, hidden_act: 'swish' }, 'hidden_act "swish" is not supported'],
    [{ ...TINYLLAMA, num_hidden_layers: 1e6 }, '"num_hidden_layers" is 1,000,000, more than the 256 this app accepts'],
  ])('refuses %j with a clear message', (json, message) => {
    expect(() => parseModelConfig(json)).toThrow(message);
  });
});

describe('memory estimates of the rotary decoders', () => {
  // Parameter counts Hugging Face reports for the real checkpoints (model.num_parameters()).
  it.each([
    ['EleutherAI/pythia-70m', PYTHIA_70M, 70_426_624],
    ['HuggingFaceTB/SmolLM2-135M', SMOLLM2_135M, 134_515_008],
    ['TinyLlama/TinyLlama-1.1B-Chat-v1.0', TINYLLAMA, 1_100_048_384],
  ])('%s: weights as the published parameter count, KV cache of the kv heads only', (_, json, parameters) => {
    const config = parseModelConfig(json);
    const { L, P, Hkv, D } = config.dims;
    const memory = familyOf(config).memory(config);
    const rotaryDim = 'rotaryDim' in config ? (config.rotaryDim as number) : D;
    expect(memory.weightsBytes).toBe(4 * parameters);
    expect(memory.cacheBytes).toBe(4 * (L * P * 2 * Hkv * D + P * rotaryDim)); // k|v rows, and the (P, R/2, 2) cos/sin table
    expect(memory.totalBytes).toBe(memory.weightsBytes + memory.cacheBytes + memory.activationBytes);
  });

  it.each(DECODERS)('%s: the estimate is what the model allocates', (name) => {
    let elements = 0;
    const cpu = createCpuBackend();
    const counting: Backend<CpuBuffer> = {
      ...cpu,
      alloc: (shape, label) => ((elements += shape.reduce((a, b) => a * b, 1)), cpu.alloc(shape, label)),
      fromFloats: (data, shape, label) => ((elements += data.length), cpu.fromFloats(data, shape, label)),
      fromWeight: (data, shape, layout, label) => ((elements += data.length), cpu.fromWeight(data, shape, layout, label)),
    };
    const loaded = buildModel(counting, readCheckpoint(fixture(name)));
    const memory = loaded.family.memory(loaded.config);
    expect(4 * elements).toBe(memory.weightsBytes + memory.cacheBytes);
  });
});

/** Every tensor of the checkpoint except the buffers from_pretrained skips (pre-4.30 GPT-NeoX saves). */
const parameters = (tensors: readonly { name: string }[]) => tensors.filter(({ name }) => !/\.attention\.(bias|masked_bias|rotary_emb\.inv_freq)$/.test(name));

describe('export back to Hugging Face names', () => {
  it.each(DECODERS)('%s exports exactly the tensors it was read from, and the export loads back', async (name) => {
    const files = readCheckpoint(fixture(name));
    const { model } = buildModel(createCpuBackend(), files);
    const exported = await model.readTensors();
    const stored = parameters(files.weights.names.map((tensorName) => ({ name: tensorName })));
    expect(exported.map((t) => t.name).sort()).toEqual(stored.map((t) => t.name).sort());
    for (const tensor of exported) {
      expect(tensor.shape, tensor.name).toEqual(files.weights.entry(tensor.name).shape);
      expect(tensor.data, tensor.name).toEqual(files.weights.hostTensor(tensor.name).data);
    }
    const again = await buildModel(createCpuBackend(), { config: files.config, weights: hostSource(exported) }).model.readTensors();
    expect(again).toEqual(exported);
  });

  it('the sequential NeoX fixture carries the legacy buffers the loader skips', () => {
    const names = readCheckpoint(fixture('tiny-gpt-neox-sequential')).weights.names;
    expect(names.length - parameters(names.map((name) => ({ name }))).length).toBe(3 * 2); // bias, masked_bias, inv_freq per layer
  });
});

describe('the LM head follows tie_word_embeddings', () => {
  it('an untied Llama without lm_head.weight is refused, naming the tensor', () => {
    const files = readCheckpoint(fixture('tiny-llama'));
    const tensors = files.weights.names.filter((name) => name !== 'lm_head.weight').map((name) => files.weights.hostTensor(name));
    expect(() => buildModel(createCpuBackend(), { config: files.config, weights: hostSource(tensors, 'model.safetensors') })).toThrow(WeightsError);
    expect(() => buildModel(createCpuBackend(), { config: files.config, weights: hostSource(tensors, 'model.safetensors') })).toThrow(/missing "lm_head\.weight", expected \[512, 32\]/);
  });

  it('a tied Llama ignores a stored lm_head.weight, as from_pretrained does', async () => {
    const files = readCheckpoint(fixture('tiny-llama-tied'));
    const tensors: HostTensor[] = files.weights.names.map((name) => files.weights.hostTensor(name));
    const { V, C } = parseModelConfig(files.config).dims;
    tensors.push({ name: 'lm_head.weight', shape: [V, C], data: new Float32Array(V * C).fill(7) });
    const { model } = buildModel(createCpuBackend(), { config: files.config, weights: hostSource(tensors) });
    const golden = readGolden(join(fixture('tiny-llama-tied'), 'golden.json')).cases[0];
    const logits = (await model.forward({ ids: golden.input_ids }, { logits: 'all' })).logits!;
    const firstColumns = golden.input_ids.flatMap((_, t) => Array.from(logits.subarray(t * V, t * V + golden.logits[0].length)));
    expect(maxAbsDiff(firstColumns, golden.logits.flat())).toBeLessThan(1e-4);
    expect((await model.readTensors()).some((t) => t.name === 'lm_head.weight')).toBe(false);
  });
});

describe('saveQkv', () => {
  it.each(['tiny-gpt-neox', 'tiny-llama', 'tiny-qwen2'])('%s: q and k come back after the rotary embedding (they give the reference attention), v as projected', async (name) => {
    const loaded = buildModel(createCpuBackend(), readCheckpoint(fixture(name)));
    const { H, Hkv, D } = loaded.config.dims;
    const golden = readGolden(join(fixture(name), 'golden.json')).cases.find((c) => c.attentions && c.input_ids.length > 1)!;
    const heads = (golden as unknown as { attention_heads: number[][][][] }).attention_heads; // (L, H, T, D) softmax(q kᵀ) v
    const T = golden.input_ids.length;
    const { qkv } = await loaded.model.forward({ ids: golden.input_ids }, { saveQkv: true });
    const row = (H + 2 * Hkv) * D;
    let probError = 0;
    let headError = 0;
    qkv!.forEach((rows, l) => {
      expect(rows.length).toBe(T * row);
      for (let h = 0; h < H; h++) {
        const g = Math.floor(h / (H / Hkv)); // the kv head query head h reads
        for (let i = 0; i < T; i++) {
          const scores = Array.from({ length: i + 1 }, (_, j) => {
            let dot = 0;
            for (let d = 0; d < D; d++) dot += rows[i * row + h * D + d] * rows[j * row + (H + g) * D + d];
            return dot / Math.sqrt(D);
          });
          const max = Math.max(...scores);
          const weights = scores.map((s) => Math.exp(s - max));
          const sum = weights.reduce((a, b) => a + b, 0);
          weights.forEach((w, j) => (probError = Math.max(probError, Math.abs(w / sum - golden.attentions![l][h][i][j]))));
          for (let d = 0; d < D; d++) {
            const value = weights.reduce((acc, w, j) => acc + (w / sum) * rows[j * row + (H + Hkv + g) * D + d], 0);
            headError = Math.max(headError, Math.abs(value - heads[l][h][i][d]));
          }
        }
      }
    });
    console.log(`${name}: attention from the saved q, k: max abs error ${probError.toExponential(2)}; heads from the saved v: ${headError.toExponential(2)}`);
    expect(probError).toBeLessThan(1e-5);
    expect(headError).toBeLessThan(1e-4);
  });

  it('needs a forward from an empty cache where earlier queries are not kept', async () => {
    const { model } = buildModel(createCpuBackend(), readCheckpoint(fixture('tiny-llama')));
    await model.forward({ ids: [1, 2, 3] });
    await expect(model.forward({ ids: [4] }, { saveQkv: true })).rejects.toThrow('Saving q, k and v needs a forward from an empty cache');
  });
});

describe('the fixture tokenizers of tiny-gpt-neox and tiny-llama', () => {
  it.each(['tiny-gpt-neox', 'tiny-llama'])('%s: equal to the Rust tokenizers on the parity corpus, and fit the vocabulary', async (name) => {
    const text = readFileSync(join(fixture(name), 'tokenizer.json'), 'utf8');
    const inputs = parityInputs(false);
    const mismatches = await compareWithRust(loadTokenizer(JSON.parse(text)), RustTokenizer.fromString(text), inputs);
    console.log(`[parity] ${name} tokenizer.json: ${inputs.length} inputs, ${mismatches.length} mismatches`);
    expect(mismatches).toEqual([]);
    const vocab = (JSON.parse(text) as { model: { vocab: Record<string, number> } }).model.vocab;
    expect(Math.max(...Object.values(vocab)) + 1).toBe(parseModelConfig(readCheckpoint(fixture(name)).config).dims.V);
  });
});
