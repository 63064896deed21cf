// RoBERTa (Liu et al. 2019) as Hugging Face's RobertaModel, RobertaForMaskedLM and RobertaForSequenceClassification
// save it: BERT's encoder layers and names under `roberta.`, with position ids counted from the input ids
// (create_position_ids_from_input_ids: real tokens padding_idx + 1, + 2, …, padding tokens keep padding_idx, so
// max_position_embeddings 514 holds 512 tokens), one token type, eps from the config. The masked-LM head is
// decoder(layer_norm(gelu(dense(h)))) + lm_head.bias, the decoder tied to the word embeddings; the classifier is
// out_proj(tanh(dense(h[<s>]))) with no pooler. `roberta.pooler`, where a checkpoint (RobertaModel, roberta-base)
// has one, serves sentence embeddings.

import { CONFIG_LIMITS, GELU_FORMS, type ConfigFields } from '../configFields';
import { bertLayerNames, names, type EncoderNameTable } from '../encoder/checkpoint';
import { encoderFamily } from '../encoder/family';
import type { EncoderSpec } from '../encoder/params';
import type { ModelConfig } from '../family';

export interface RobertaConfig extends ModelConfig {
  family: 'roberta';
  /** The padding id (pad_token_id): padding positions read its position row; real tokens count from it + 1. */
  paddingIdx: number;
}

const HIDDEN_ACTS = { ...GELU_FORMS, relu: 'relu' } as const;

function parseConfig(fields: ConfigFields): RobertaConfig {
  const C = fields.positiveInteger('hidden_size', CONFIG_LIMITS.width);
  const H = fields.positiveInteger('num_attention_heads', CONFIG_LIMITS.heads);
  const D = fields.heads('hidden_size', C, 'num_attention_heads', H);
  const positionType = fields.string('position_embedding_type', 'absolute');
  fields.check(positionType === 'absolute', `position_embedding_type "${positionType}" is not supported`);
  fields.check(fields.raw.is_decoder !== true, 'is_decoder: true (a causal RoBERTa) is not supported; the encoder is bidirectional');
  const V = fields.positiveInteger('vocab_size', CONFIG_LIMITS.vocabulary);
  const paddingIdx = fields.nonNegativeInteger('pad_token_id', V - 1, 1); // RobertaConfig's defaults throughout
  const positionRows = fields.positiveInteger('max_position_embeddings', CONFIG_LIMITS.positions, 512);
  fields.check(
    positionRows > paddingIdx + 1,
    `max_position_embeddings ${positionRows} leaves no position for a token: RoBERTa counts positions from pad_token_id + 1 = ${paddingIdx + 1}`,
  );
  return {
    family: 'roberta',
    modelType: 'roberta',
    architectures: fields.architectures(),
    dims: {
      L: fields.positiveInteger('num_hidden_layers', CONFIG_LIMITS.layers),
      C, H, Hkv: H, D,
      F: fields.positiveInteger('intermediate_size', CONFIG_LIMITS.innerWidth),
      V,
      P: positionRows - paddingIdx - 1, // the longest input: positions paddingIdx + 1 … max_position_embeddings - 1
      eps: fields.positiveNumber('layer_norm_eps', 1e-12),
      activation: fields.oneOf('hidden_act', HIDDEN_ACTS, 'gelu'),
      positions: 'learned',
      norm: 'layernorm',
      prenorm: false,
      typeVocabSize: fields.positiveInteger('type_vocab_size', CONFIG_LIMITS.typeVocabulary, 2),
    },
    labels: fields.labels(),
    special: { bos: fields.optionalTokenId('bos_token_id') ?? 0, eos: fields.optionalTokenId('eos_token_id') ?? 2, pad: paddingIdx },
    paddingIdx,
    raw: fields.raw,
  };
}

const spec = (config: RobertaConfig): EncoderSpec => ({
  dims: config.dims,
  positionIds: 'after-padding',
  paddingIdx: config.paddingIdx,
  headActivation: 'tanh',
  mlmActivation: 'gelu_erf', // RobertaLMHead: gelu(dense(h)), whatever hidden_act is
});

const table: EncoderNameTable = {
  bodyPrefixes: ['roberta.', ''],
  wordEmbeddings: ['embeddings.word_embeddings.weight'],
  positionEmbeddings: ['embeddings.position_embeddings.weight'],
  tokenTypeEmbeddings: ['embeddings.token_type_embeddings.weight'],
  embeddingsLn: names.ln('embeddings.LayerNorm'),
  layer: bertLayerNames,
  pooler: names.linear('pooler.dense'),
  mlm: {
    dense: names.linear('lm_head.dense'),
    ln: names.ln('lm_head.layer_norm'),
    decoder: ['lm_head.decoder.weight'],
    bias: ['lm_head.bias', 'lm_head.decoder.bias'],
  },
  classifier: { dense: names.linear('classifier.dense'), out: names.linear('classifier.out_proj') },
};

export const roberta = encoderFamily<RobertaConfig>({
  id: 'roberta',
  label: 'RoBERTa',
  modelTypes: ['roberta'],
  hubSuggestions: [
    'roberta-base',
    'distilroberta-base',
    'cardiffnlp/twitter-roberta-base-sentiment-latest',
    'j-hartmann/emotion-english-distilroberta-base',
    'SamLowe/roberta-base-go_emotions',
  ],
  maskToken: '<mask>',
  classificationArchitecture: 'RobertaForSequenceClassification',
  parseConfig,
  spec,
  names: () => table,
});
