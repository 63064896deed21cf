import { describe, expect, it } from 'vitest';
import { FAMILIES, familyOfJson, parseModelConfig } from './registry';

const gpt2Json = {
  model_type: 'gpt2', architectures: ['GPT2LMHeadModel'], vocab_size: 50257, n_positions: 1024, n_embd: 768, n_layer: 12,
  n_head: 12, n_inner: null, layer_norm_epsilon: 1e-5, activation_function: 'gelu_new', bos_token_id: 50256, eos_token_id: 50256,
};

const bertJson = {
  model_type: 'bert', architectures: ['BertForSequenceClassification'], vocab_size: 30522, hidden_size: 768, num_hidden_layers: 12,
  num_attention_heads: 12, intermediate_size: 3072, max_position_embeddings: 512, type_vocab_size: 2, layer_norm_eps: 1e-12,
  hidden_act: 'gelu', pad_token_id: 0, id2label: { '0': 'NEGATIVE', '1': 'POSITIVE' }, label2id: { NEGATIVE: 0, POSITIVE: 1 },
};

describe('the family registry', () => {
  it('maps each model_type to exactly one family, by folder name', () => {
    const types = FAMILIES.flatMap((family) => family.modelTypes);
    expect(new Set(types).size).toBe(types.length);
    expect(familyOfJson(gpt2Json).family.id).toBe('gpt2');
    expect(familyOfJson(bertJson).family.id).toBe('bert');
  });

  it('normalises a GPT-2 config into the shared dimensions, resolving n_inner and the GELU form', () => {
    const config = parseModelConfig(gpt2Json);
    expect(config).toMatchObject({
      family: 'gpt2', modelType: 'gpt2', architectures: ['GPT2LMHeadModel'],
      dims: { L: 12, C: 768, H: 12, Hkv: 12, D: 64, F: 3072, V: 50257, P: 1024, eps: 1e-5, activation: 'gelu_tanh', positions: 'learned', norm: 'layernorm', prenorm: true, typeVocabSize: 0 },
      special: { bos: 50256, eos: 50256 },
    });
    expect(config.raw).toBe(gpt2Json);
    expect(parseModelConfig({ ...gpt2Json, n_inner: 100 }).dims.F).toBe(100);
  });

  it('normalises a BERT config with labels', () => {
    const config = parseModelConfig(bertJson);
    expect(config).toMatchObject({
      family: 'bert',
      dims: { L: 12, C: 768, H: 12, D: 64, F: 3072, V: 30522, P: 512, eps: 1e-12, activation: 'gelu_erf', prenorm: false, typeVocabSize: 2 },
      special: { pad: 0 },
      labels: { id2label: { 0: 'NEGATIVE', 1: 'POSITIVE' }, label2id: { NEGATIVE: 0, POSITIVE: 1 }, numLabels: 2 },
    });
  });

  it('fills the defaults Hugging Face would', () => {
    const optional = ['layer_norm_eps', 'type_vocab_size', 'hidden_act', 'pad_token_id', 'id2label', 'label2id'];
    const bare = Object.fromEntries(Object.entries(bertJson).filter(([key]) => !optional.includes(key)));
    const config = parseModelConfig(bare);
    expect(config).toMatchObject({ dims: { eps: 1e-12, typeVocabSize: 2, activation: 'gelu_erf' }, special: { pad: 0 }, labels: { numLabels: 2 } });
    expect(config.labels.label2id).toEqual({ LABEL_0: 0, LABEL_1: 1 });
    expect(parseModelConfig({ ...bare, num_labels: 3 }).labels.numLabels).toBe(3);
  });

  it.each([
    [{ ...gpt2Json, model_type: 'mamba' }, 'config.json: model_type "mamba" is not supported (supported: "gpt2", "bert"'],
    [{ ...gpt2Json, model_type: 'gpt_neo' }, 'GPT-Neo (e.g. roneneldan/TinyStories-*) is not supported'],
    [{ ...gpt2Json, model_type: undefined }, 'config.json: has no model_type (the field that names the architecture)'],
    [{ ...gpt2Json, model_type: 'constructor' }, 'config.json: model_type "constructor" is not supported'],
    [{ ...gpt2Json, n_head: undefined }, 'config.json: missing required field "n_head"'],
    [{ ...gpt2Json, n_embd: 770 }, 'config.json: n_embd 770 is not divisible by n_head 12'],
    [{ ...gpt2Json, n_layer: 1.5 }, 'config.json: "n_layer" must be a positive integer'],
    [{ ...gpt2Json, activation_function: 'relu' }, 'config.json: activation_function "relu" is not supported'],
    [{ ...bertJson, intermediate_size: undefined }, 'config.json: missing required field "intermediate_size"'],
    [{ ...bertJson, position_embedding_type: 'relative_key' }, 'position_embedding_type "relative_key" is not supported'],
    [{ ...bertJson, id2label: { '1': 'x' } }, 'id2label must map the ids 0..n-1 to label strings'],
    [{ ...bertJson, label2id: { NEGATIVE: 1 } }, 'label2id does not match id2label'],
    [[1, 2], 'config.json: expected a JSON object'],
  ])('rejects %j clearly', (json, message) => {
    expect(() => parseModelConfig(json)).toThrow(message);
  });

  // Sizes no real checkpoint has, refused before anything scales with them (issue 15's freezing configs).
  it.each([
    [{ ...gpt2Json, n_layer: 1e9 }, '"n_layer" is 1,000,000,000, more than the 256 this app accepts'],
    [{ ...bertJson, num_hidden_layers: 1e8 }, '"num_hidden_layers" is 100,000,000, more than the 256'],
    [{ ...bertJson, id2label: undefined, label2id: undefined, num_labels: 4294967295 }, '"num_labels" is 4,294,967,295, more than the 100,000'],
    [{ ...gpt2Json, vocab_size: 1e12 }, '"vocab_size" is 1,000,000,000,000, more than the 1,048,576'],
    [{ ...gpt2Json, n_embd: 2 ** 20, n_head: 1 }, '"n_embd" is 1,048,576, more than the 65,536'],
  ])('refuses an absurd size at once: %j', (json, message) => {
    const started = performance.now();
    expect(() => parseModelConfig(json)).toThrow(message);
    expect(performance.now() - started).toBeLessThan(100);
  });
});
