// BERT (Devlin et al. 2018) as Hugging Face's BertModel, BertForMaskedLM, BertForPreTraining and
// BertForSequenceClassification save it: config.json normalised into the encoder's dimensions, and the checkpoint's
// names (with or without the `bert.` prefix; LayerNorm as weight/bias or gamma/beta).

import { CONFIG_LIMITS, GELU_FORMS, type ConfigFields } from '../configFields';
import { encoderFamily } from '../encoder/family';
import { bertLayerNames, names, type EncoderNameTable } from '../encoder/checkpoint';
import type { EncoderSpec } from '../encoder/params';
import type { ModelConfig } from '../family';

export interface BertConfig extends ModelConfig {
  family: 'bert';
  hiddenAct: string; // as written in config.json
}

const HIDDEN_ACTS = { ...GELU_FORMS, relu: 'relu' } as const;

function parseConfig(fields: ConfigFields): BertConfig {
  const C = fields.positiveInteger('hidden_size', CONFIG_LIMITS.width);
  const H = fields.positiveInteger('num_attention_heads', CONFIG_LIMITS.heads);
  const D = fields.heads('hidden_size', C, 'num_attention_heads', H);
  const positionType = fields.string('position_embedding_type', 'absolute');
  fields.check(positionType === 'absolute', `position_embedding_type "${positionType}" is not supported`);
  fields.check(fields.raw.is_decoder !== true, 'is_decoder: true (a causal BERT) is not supported; the encoder is bidirectional');
  const hiddenAct = fields.string('hidden_act', 'gelu');
  return {
    family: 'bert',
    modelType: 'bert',
    architectures: fields.architectures(),
    dims: {
      L: fields.positiveInteger('num_hidden_layers', CONFIG_LIMITS.layers),
      C, H, Hkv: H, D,
      F: fields.positiveInteger('intermediate_size', CONFIG_LIMITS.innerWidth),
      V: fields.positiveInteger('vocab_size', CONFIG_LIMITS.vocabulary),
      P: fields.positiveInteger('max_position_embeddings', CONFIG_LIMITS.positions),
      eps: fields.positiveNumber('layer_norm_eps', 1e-12),
      activation: fields.oneOf('hidden_act', HIDDEN_ACTS, 'gelu'),
      positions: 'learned',
      norm: 'layernorm',
      prenorm: false,
      typeVocabSize: fields.positiveInteger('type_vocab_size', CONFIG_LIMITS.typeVocabulary, 2),
    },
    labels: fields.labels(),
    special: { bos: null, eos: null, pad: fields.optionalTokenId('pad_token_id') ?? 0 },
    hiddenAct,
    raw: fields.raw,
  };
}

const spec = (config: BertConfig): EncoderSpec => ({
  dims: config.dims,
  positionIds: 'from-zero',
  paddingIdx: config.special.pad ?? 0,
  headActivation: 'tanh',
  mlmActivation: config.dims.activation === 'silu' ? 'gelu_erf' : config.dims.activation,
});

const table: EncoderNameTable = {
  bodyPrefixes: ['bert.', ''],
  wordEmbeddings: ['embeddings.word_embeddings.weight'],
  positionEmbeddings: ['embeddings.position_embeddings.weight'],
  tokenTypeEmbeddings: ['embeddings.token_type_embeddings.weight'],
  embeddingsLn: names.ln('embeddings.LayerNorm'),
  layer: bertLayerNames,
  pooler: names.linear('pooler.dense'),
  mlm: {
    dense: names.linear('cls.predictions.transform.dense'),
    ln: names.ln('cls.predictions.transform.LayerNorm'),
    decoder: ['cls.predictions.decoder.weight'],
    bias: ['cls.predictions.bias', 'cls.predictions.decoder.bias'],
  },
  classifier: { out: names.linear('classifier') },
};

export const bert = encoderFamily<BertConfig>({
  id: 'bert',
  label: 'BERT',
  modelTypes: ['bert'],
  hubSuggestions: ['bert-base-uncased', 'bert-base-cased', 'prajjwal1/bert-tiny', 'google/bert_uncased_L-4_H-256_A-4', 'textattack/bert-base-uncased-SST-2'],
  maskToken: '[MASK]',
  classificationArchitecture: 'BertForSequenceClassification',
  builtinTokenizer: 'bert-base-uncased',
  parseConfig,
  spec,
  names: () => table,
});
