// RoBERTa's config normalisation, position ids and names, against the torch reference's checkpoints
// (test/fixtures/models/tiny-roberta*, written from modeling_roberta.py by scripts/reference/hf_roberta.py).
import { Tokenizer as RustTokenizer } from '@anush008/tokenizers';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTokenizer } from '../../tokenizers/tokenizer';
import { hostSource } from '../../weights/host-source';
import { createCpuBackend } from '../cpuBackend';
import { encoderPositionIds, positionRows } from '../encoder/params';
import { familyOfJson, parseModelConfig } from '../registry';
import { FIXTURES, maxAbsDiff, readGolden } from '../testing/golden';
import { loadFixture } from '../testing/fixtures';

/** roberta-base's config.json. */
const baseJson = {
  architectures: ['RobertaForMaskedLM'], attention_probs_dropout_prob: 0.1, bos_token_id: 0, eos_token_id: 2, hidden_act: 'gelu',
  hidden_dropout_prob: 0.1, hidden_size: 768, initializer_range: 0.02, intermediate_size: 3072, layer_norm_eps: 1e-5,
  max_position_embeddings: 514, model_type: 'roberta', num_attention_heads: 12, num_hidden_layers: 12, pad_token_id: 1,
  type_vocab_size: 1, vocab_size: 50265,
};

describe('RoBERTa config', () => {
  it('normalises roberta-base: 512 tokens from 514 positions, eps and one token type from the config', () => {
    const { family, fields } = familyOfJson(baseJson);
    expect(family.id).toBe('roberta');
    const config = family.parseConfig(fields);
    expect(config).toMatchObject({
      family: 'roberta',
      dims: { L: 12, C: 768, H: 12, D: 64, F: 3072, V: 50265, P: 512, eps: 1e-5, activation: 'gelu_erf', positions: 'learned', prenorm: false, typeVocabSize: 1 },
      special: { bos: 0, eos: 2, pad: 1 },
    });
  });

  it("fills RobertaConfig's defaults where a config leaves fields out", () => {
    const optional = ['layer_norm_eps', 'type_vocab_size', 'hidden_act', 'pad_token_id', 'bos_token_id', 'eos_token_id', 'max_position_embeddings'];
    const bare = Object.fromEntries(Object.entries(baseJson).filter(([key]) => !optional.includes(key)));
    expect(parseModelConfig(bare)).toMatchObject({ dims: { eps: 1e-12, typeVocabSize: 2, activation: 'gelu_erf', P: 510 }, special: { bos: 0, eos: 2, pad: 1 } });
  });

  it.each([
    [{ ...baseJson, max_position_embeddings: 2 }, 'max_position_embeddings 2 leaves no position for a token'],
    [{ ...baseJson, pad_token_id: 50265 }, '"pad_token_id" is 50,265, more than the 50,264 this app accepts'],
    [{ ...baseJson, position_embedding_type: 'relative_key_query' }, 'position_embedding_type "relative_key_query" is not supported'],
    [{ ...baseJson, is_decoder: true }, 'is_decoder: true (a causal RoBERTa) is not supported'],
    [{ ...baseJson, hidden_size: 100 }, 'hidden_size 100 is not divisible by num_attention_heads 12'],
  ])('refuses %j clearly', (json, message) => {
    expect(() => parseModelConfig(json)).toThrow(message);
  });
});

describe('RoBERTa position ids', () => {
  it.each(['tiny-roberta', 'tiny-roberta-cls'])("%s: equal Hugging Face's for every golden case (right, left and no padding)", (name) => {
    const { family, config } = loadFixture(name);
    expect(family.id).toBe('roberta');
    const spec = { dims: config.dims, positionIds: 'after-padding', paddingIdx: config.special.pad!, headActivation: 'tanh', mlmActivation: 'gelu_erf' } as const;
    const golden = readGolden(join(FIXTURES, 'models', name, 'golden.json'));
    for (const c of golden.cases) expect(encoderPositionIds(spec, c.input_ids), c.name).toEqual(c.position_ids);
    expect(golden.cases.some((c) => c.position_ids![0] === 1)).toBe(name === 'tiny-roberta'); // left padding is in tiny-roberta
    expect(positionRows(spec)).toBe(66); // max_position_embeddings
  });

  it('reads at most max_position_embeddings - pad_token_id - 1 tokens and says so', async () => {
    const { family, config, source } = loadFixture('tiny-roberta');
    expect(config.dims.P).toBe(64);
    const model = family.createModel(createCpuBackend(), config, source);
    await expect(model.forward({ ids: new Array<number>(65).fill(5) })).rejects.toThrow('This model reads at most 64 tokens; the input has 65.');
    await expect(model.forward({ ids: [0, 5, 2], tokenTypeIds: [0, 1, 0] })).rejects.toThrow(/Token type id/);
  });
});

describe('RoBERTa names', () => {
  it.each(['tiny-roberta', 'tiny-roberta-cls'])('%s exports exactly the tensors it was read from', async (name) => {
    const { family, config, source } = loadFixture(name);
    const exported = await family.createModel(createCpuBackend(), config, source).readTensors();
    expect(exported.map((tensor) => tensor.name).sort()).toEqual([...source.names].sort());
    for (const tensor of exported) expect(tensor.data, tensor.name).toEqual(source.hostTensor(tensor.name).data);
  });

  it('serves embeddings from roberta.pooler where the checkpoint has one, and reads lm_head.decoder.bias as the bias', async () => {
    const { family, config, source } = loadFixture('tiny-roberta');
    const { C } = config.dims;
    const pooler = [
      { name: 'roberta.pooler.dense.weight', shape: [C, C], data: Float32Array.from({ length: C * C }, (_, i) => ((i % 7) - 3) / 10) },
      { name: 'roberta.pooler.dense.bias', shape: [C], data: Float32Array.from({ length: C }, (_, i) => i / 100) },
    ];
    const tensors = [...source.names.map((name) => source.hostTensor(name)), ...pooler]
      .map((tensor) => (tensor.name === 'lm_head.bias' ? { ...tensor, name: 'lm_head.decoder.bias' } : tensor));
    const model = family.createModel(createCpuBackend(), config, hostSource(tensors));
    expect(model.heads).toEqual({ lm: true, classifier: false, pooler: true });
    const { hidden, pooled } = await model.forward({ ids: [0, 10, 20, 2] }, { hidden: true, pooled: true });
    const expected = new Float64Array(C); // tanh(W h[<s>] + b), by hand
    for (let n = 0; n < C; n++) {
      let sum = pooler[1].data[n];
      for (let k = 0; k < C; k++) sum += pooler[0].data[n * C + k] * hidden![k];
      expected[n] = Math.tanh(sum);
    }
    expect(maxAbsDiff(pooled!, expected)).toBeLessThan(1e-5);
    expect((await model.readTensors()).map((tensor) => tensor.name)).toEqual(expect.arrayContaining(['lm_head.bias', 'roberta.pooler.dense.weight']));
  });
});

describe("tiny-roberta's fixture tokenizer (scripts/reference/make-fixture-tokenizers.mjs)", () => {
  const json = readFileSync(join(FIXTURES, 'models', 'tiny-roberta', 'tokenizer.json'), 'utf8');
  const ours = loadTokenizer(JSON.parse(json));
  const rust = RustTokenizer.fromString(json);

  it.each([
    ['The capital of France is <mask>.', undefined],
    ['I love learning about transformers!', undefined],
    ['<mask> is the best', undefined],
    ['this was great', 'the food was bad'],
  ])('%j (pair %j): ids, tokens and offsets of the Rust library, fitting the checkpoint', async (text, pair) => {
    const expected = await rust.encode(text, pair ?? null);
    const encoding = pair === undefined ? ours.encode(text) : ours.encodePair(text, pair);
    expect(encoding.ids).toEqual(expected.getIds());
    expect(encoding.tokens).toEqual(expected.getTokens());
    expect(encoding.offsets).toEqual(expected.getOffsets());
    expect(Math.max(...encoding.ids)).toBeLessThan(loadFixture('tiny-roberta').config.dims.V);
  });

  it('puts <s> first and </s> last, and <mask> (the checkpoint\'s last id) takes the space before it (lstrip)', () => {
    const { ids, tokens, offsets } = ours.encode('Paris is <mask>.');
    expect([ids[0], ids.at(-1)]).toEqual([0, 2]);
    const mask = ids.indexOf(999);
    expect(tokens.slice(mask - 1, mask + 2)).toEqual(['Ġis', ' <mask>', '.']); // no lone 'Ġ' before the mask
    expect(offsets[mask]).toEqual([9, 15]);
  });
});
