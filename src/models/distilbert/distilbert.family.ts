// DistilBERT (Sanh et al. 2019) as Hugging Face's DistilBertModel, DistilBertForMaskedLM and
// DistilBertForSequenceClassification save it: BERT's post-LN encoder without token types or pooler, under its own
// names (attention.{q,k,v,out}_lin, sa_layer_norm, ffn.lin1/lin2, output_layer_norm); every LayerNorm has eps 1e-12
// whatever the config says (modeling_distilbert.py hard-codes it). The masked-LM head is
// vocab_projector(vocab_layer_norm(act(vocab_transform(h)))), its projector tied to the word embeddings with a bias
// of its own; the classifier is classifier(relu(pre_classifier(h[0]))). With sinusoidal_pos_embds the position table
// is fixed (not trained) and stored in the checkpoint; where a checkpoint lacks it, it is built as Hugging Face does.

import { CONFIG_LIMITS, GELU_FORMS, type ConfigFields } from '../configFields';
import { names, type EncoderNameTable } from '../encoder/checkpoint';
import { encoderFamily } from '../encoder/family';
import type { EncoderSpec } from '../encoder/params';
import type { ModelConfig } from '../family';
import { sinusoidalPositions } from './sinusoidal';

export interface DistilBertConfig extends ModelConfig {
  family: 'distilbert';
}

/** modeling_distilbert.py's nn.LayerNorm(config.dim, eps=1e-12), everywhere. */
const LAYER_NORM_EPS = 1e-12;

const ACTIVATIONS = { ...GELU_FORMS, relu: 'relu' } as const;

function parseConfig(fields: ConfigFields): DistilBertConfig {
  const C = fields.positiveInteger('dim', CONFIG_LIMITS.width);
  const H = fields.positiveInteger('n_heads', CONFIG_LIMITS.heads);
  const D = fields.heads('dim', C, 'n_heads', H);
  const sinusoidal = fields.boolean('sinusoidal_pos_embds', false);
  return {
    family: 'distilbert',
    modelType: 'distilbert',
    architectures: fields.architectures(),
    dims: {
      L: fields.positiveInteger('n_layers', CONFIG_LIMITS.layers),
      C, H, Hkv: H, D,
      F: fields.positiveInteger('hidden_dim', CONFIG_LIMITS.innerWidth),
      V: fields.positiveInteger('vocab_size', CONFIG_LIMITS.vocabulary),
      P: fields.positiveInteger('max_position_embeddings', CONFIG_LIMITS.positions),
      eps: LAYER_NORM_EPS,
      activation: fields.oneOf('activation', ACTIVATIONS, 'gelu'),
      positions: sinusoidal ? 'sinusoidal' : 'learned',
      norm: 'layernorm',
      prenorm: false,
      typeVocabSize: 0,
    },
    labels: fields.labels(),
    special: { bos: null, eos: null, pad: fields.optionalTokenId('pad_token_id') ?? 0 },
    raw: fields.raw,
  };
}

const spec = (config: DistilBertConfig): EncoderSpec => ({
  dims: config.dims,
  positionIds: 'from-zero',
  paddingIdx: config.special.pad ?? 0,
  positionTable: config.dims.positions === 'sinusoidal' ? sinusoidalPositions : undefined,
  headActivation: 'relu',
  mlmActivation: config.dims.activation === 'silu' ? 'gelu_erf' : config.dims.activation, // DistilBertForMaskedLM: config.activation
});

const table: EncoderNameTable = {
  bodyPrefixes: ['distilbert.', ''],
  wordEmbeddings: ['embeddings.word_embeddings.weight'],
  positionEmbeddings: ['embeddings.position_embeddings.weight'],
  embeddingsLn: names.ln('embeddings.LayerNorm'),
  layer: (l) => {
    const at = `transformer.layer.${l}`;
    return {
      query: names.linear(`${at}.attention.q_lin`),
      key: names.linear(`${at}.attention.k_lin`),
      value: names.linear(`${at}.attention.v_lin`),
      attnOut: names.linear(`${at}.attention.out_lin`),
      attnLn: names.ln(`${at}.sa_layer_norm`),
      ffnIn: names.linear(`${at}.ffn.lin1`),
      ffnOut: names.linear(`${at}.ffn.lin2`),
      outLn: names.ln(`${at}.output_layer_norm`),
    };
  },
  mlm: {
    dense: names.linear('vocab_transform'),
    ln: names.ln('vocab_layer_norm'),
    decoder: ['vocab_projector.weight'],
    bias: ['vocab_projector.bias'],
  },
  classifier: { dense: names.linear('pre_classifier'), out: names.linear('classifier') },
};

export const distilbert = encoderFamily<DistilBertConfig>({
  id: 'distilbert',
  label: 'DistilBERT',
  modelTypes: ['distilbert'],
  hubSuggestions: [
    'distilbert-base-uncased',
    'distilbert-base-uncased-finetuned-sst-2-english',
    'distilbert-base-cased',
    'distilbert-base-multilingual-cased',
  ],
  maskToken: '[MASK]',
  classificationArchitecture: 'DistilBertForSequenceClassification',
  builtinTokenizer: 'bert-base-uncased', // distilbert-base-uncased's vocabulary is bert-base-uncased's
  parseConfig,
  spec,
  names: () => table,
});
