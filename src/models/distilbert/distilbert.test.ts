// DistilBERT's config normalisation, names and fixed sinusoidal positions, against the torch reference's checkpoints
// (test/fixtures/models/tiny-distilbert*, written from modeling_distilbert.py by scripts/reference/hf_distilbert.py).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hostSource } from '../../weights/host-source';
import { WeightsError } from '../../weights/errors';
import { createCpuBackend } from '../cpuBackend';
import { familyOfJson, parseModelConfig } from '../registry';
import { FIXTURES, maxAbsDiff, pickColumns, readGolden } from '../testing/golden';
import { loadFixture } from '../testing/fixtures';
import { sinusoidalPositions } from './sinusoidal';

/** distilbert-base-uncased's config.json. */
const baseJson = {
  activation: 'gelu', architectures: ['DistilBertForMaskedLM'], attention_dropout: 0.1, dim: 768, dropout: 0.1, hidden_dim: 3072,
  initializer_range: 0.02, max_position_embeddings: 512, model_type: 'distilbert', n_heads: 12, n_layers: 6, pad_token_id: 0,
  qa_dropout: 0.1, seq_classif_dropout: 0.2, sinusoidal_pos_embds: false, tie_weights_: true, vocab_size: 30522,
};

describe('DistilBERT config', () => {
  it('normalises distilbert-base-uncased: eps 1e-12 always, no token types', () => {
    const { family, fields } = familyOfJson(baseJson);
    expect(family.id).toBe('distilbert');
    expect(family.parseConfig(fields)).toMatchObject({
      family: 'distilbert',
      dims: { L: 6, C: 768, H: 12, Hkv: 12, D: 64, F: 3072, V: 30522, P: 512, eps: 1e-12, activation: 'gelu_erf', positions: 'learned', prenorm: false, typeVocabSize: 0 },
      special: { pad: 0 },
    });
    expect(parseModelConfig({ ...baseJson, layer_norm_eps: 1e-5 }).dims.eps).toBe(1e-12); // modeling_distilbert.py ignores it
    expect(parseModelConfig({ ...baseJson, activation: 'relu', sinusoidal_pos_embds: true }).dims).toMatchObject({ activation: 'relu', positions: 'sinusoidal' });
  });

  it('counts the parameters DistilBertModel has (66,362,880) plus its MLM head and classifier in the estimate', () => {
    const config = parseModelConfig(baseJson);
    const { C, V } = config.dims;
    const mlmHead = C * C + C + 2 * C + V; // vocab_transform, vocab_layer_norm, vocab_projector.bias (its weight is tied)
    const classifier = C * C + C + 2 * C + 2; // pre_classifier, classifier (2 labels)
    expect(familyOfJson(baseJson).family.memory(config, 1).weightsBytes / 4).toBe(66_362_880 + mlmHead + classifier);
  });

  it.each([
    [{ ...baseJson, activation: 'tanh' }, 'activation "tanh" is not supported'],
    [{ ...baseJson, dim: 770 }, 'dim 770 is not divisible by n_heads 12'],
    [{ ...baseJson, hidden_dim: undefined }, 'missing required field "hidden_dim"'],
    [{ ...baseJson, sinusoidal_pos_embds: 'yes' }, '"sinusoidal_pos_embds" must be true or false'],
    [{ ...baseJson, n_layers: 1e9 }, '"n_layers" is 1,000,000,000, more than the 256 this app accepts'],
  ])('refuses %j clearly', (json, message) => {
    expect(() => parseModelConfig(json)).toThrow(message);
  });
});

describe('DistilBERT names', () => {
  it.each(['tiny-distilbert', 'tiny-distilbert-cls', 'tiny-distilbert-sinusoidal'])('%s exports exactly the tensors it was read from', async (name) => {
    const { family, config, source } = loadFixture(name);
    const exported = await family.createModel(createCpuBackend(), config, source).readTensors();
    expect(exported.map((tensor) => tensor.name).sort()).toEqual([...source.names].sort());
    for (const tensor of exported) expect(tensor.data, tensor.name).toEqual(source.hostTensor(tensor.name).data);
  });

  it('reads a bare DistilBertModel (no distilbert. prefix) and reports what is missing under its own names', () => {
    const { family, config, source } = loadFixture('tiny-distilbert');
    const bare = source.names.filter((name) => name.startsWith('distilbert.')).map((name) => ({ ...source.hostTensor(name), name: name.slice('distilbert.'.length) }));
    const model = family.createModel(createCpuBackend(), config, hostSource(bare));
    expect(model.heads).toEqual({ lm: false, classifier: false, pooler: false });
    const broken = bare.filter((tensor) => tensor.name !== 'transformer.layer.1.ffn.lin2.bias');
    expect(() => family.createModel(createCpuBackend(), config, hostSource(broken))).toThrow(WeightsError);
    expect(() => family.createModel(createCpuBackend(), config, hostSource(broken))).toThrow('missing "transformer.layer.1.ffn.lin2.bias", expected [32]');
  });
});

describe('DistilBERT sinusoidal positions', () => {
  const fixture = () => loadFixture('tiny-distilbert-sinusoidal');
  const TABLE = 'distilbert.embeddings.position_embeddings.weight';

  it("builds Hugging Face's create_sinusoidal_embeddings table (the one stored in the checkpoint)", () => {
    const { config, source } = fixture();
    const { P, C } = config.dims;
    const stored = source.hostTensor(TABLE).data;
    const built = sinusoidalPositions(P, C);
    const equal = built.filter((value, i) => value === stored[i]).length;
    console.log(`sinusoidal table: ${equal} of ${built.length} entries bit-equal to the stored one, max abs diff ${maxAbsDiff(built, stored).toExponential(2)}`);
    expect(maxAbsDiff(built, stored)).toBeLessThanOrEqual(6e-8); // within one float32 rounding of values up to 1
  });

  it('builds the table for a checkpoint that leaves it out, with the reference outputs', async () => {
    const { family, config, source } = fixture();
    const without = source.names.filter((name) => name !== TABLE).map((name) => source.hostTensor(name));
    const model = family.createModel(createCpuBackend(), config, hostSource(without));
    const golden = readGolden(join(FIXTURES, 'models', 'tiny-distilbert-sinusoidal', 'golden.json'));
    for (const c of golden.cases) {
      const { logits, hidden } = await model.forward({ ids: c.input_ids, attentionMask: c.attention_mask }, { logits: 'all', hidden: true });
      const error = Math.max(
        maxAbsDiff(hidden!, c.last_hidden_state.flat()),
        maxAbsDiff(pickColumns(logits!, config.dims.V, c.logits_probe_columns), c.logits_probe.flat()),
      );
      console.log(`sinusoidal table built, ${c.name}: max abs error ${error.toExponential(2)}`);
      expect(error).toBeLessThan(1e-4);
    }
    expect((await model.readTensors()).map((tensor) => tensor.name)).toContain(TABLE); // exported as Hugging Face saves it
  });
});
