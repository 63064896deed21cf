import { describe, expect, it } from 'vitest';
import { parseModelConfig, type BertConfig, type Gpt2Config } from './config';

const gpt2Json = {
  model_type: 'gpt2',
  architectures: ['GPT2LMHeadModel'],
  vocab_size: 50257,
  n_positions: 1024,
  n_embd: 768,
  n_layer: 12,
  n_head: 12,
  n_inner: null,
  layer_norm_epsilon: 1e-5,
  activation_function: 'gelu_new',
  bos_token_id: 50256,
  eos_token_id: 50256,
};

const bertJson = {
  model_type: 'bert',
  architectures: ['BertForSequenceClassification'],
  vocab_size: 30522,
  hidden_size: 768,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  intermediate_size: 3072,
  max_position_embeddings: 512,
  type_vocab_size: 2,
  layer_norm_eps: 1e-12,
  hidden_act: 'gelu',
  pad_token_id: 0,
  id2label: { '0': 'NEGATIVE', '1': 'POSITIVE' },
  label2id: { NEGATIVE: 0, POSITIVE: 1 },
};

describe('parseModelConfig', () => {
  it('reads a GPT-2 config, resolving n_inner and the GELU form', () => {
    const config = parseModelConfig(gpt2Json) as Gpt2Config;
    expect(config).toMatchObject({
      family: 'gpt2',
      architectures: ['GPT2LMHeadModel'],
      vocabSize: 50257,
      nPositions: 1024,
      nEmbd: 768,
      nLayer: 12,
      nHead: 12,
      nInner: 3072,
      layerNormEpsilon: 1e-5,
      activationFunction: 'gelu_new',
      gelu: 'tanh',
      bosTokenId: 50256,
      eosTokenId: 50256,
    });
    expect(config.raw).toBe(gpt2Json);
    expect((parseModelConfig({ ...gpt2Json, n_inner: 100 }) as Gpt2Config).nInner).toBe(100);
  });

  it('reads a BERT config with labels', () => {
    const config = parseModelConfig(bertJson) as BertConfig;
    expect(config).toMatchObject({
      family: 'bert',
      hiddenSize: 768,
      numHiddenLayers: 12,
      numAttentionHeads: 12,
      intermediateSize: 3072,
      maxPositionEmbeddings: 512,
      typeVocabSize: 2,
      layerNormEps: 1e-12,
      hiddenAct: 'gelu',
      gelu: 'erf',
      padTokenId: 0,
      id2label: { 0: 'NEGATIVE', 1: 'POSITIVE' },
      label2id: { NEGATIVE: 0, POSITIVE: 1 },
      numLabels: 2,
    });
  });

  it('fills the defaults Hugging Face would', () => {
    const optional = ['layer_norm_eps', 'type_vocab_size', 'hidden_act', 'pad_token_id', 'id2label', 'label2id'];
    const bare = Object.fromEntries(Object.entries(bertJson).filter(([key]) => !optional.includes(key)));
    const config = parseModelConfig(bare) as BertConfig;
    expect(config).toMatchObject({ layerNormEps: 1e-12, typeVocabSize: 2, gelu: 'erf', padTokenId: 0, numLabels: 2 });
    expect(config.label2id).toEqual({ LABEL_0: 0, LABEL_1: 1 });
    expect((parseModelConfig({ ...bare, num_labels: 3 }) as BertConfig).numLabels).toBe(3);
  });

  it.each([
    [{ ...gpt2Json, model_type: 'llama' }, 'config.json: model_type "llama" is not supported (supported: "gpt2", "bert")'],
    [{ ...gpt2Json, model_type: undefined }, 'config.json: model_type undefined is not supported'],
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
});
