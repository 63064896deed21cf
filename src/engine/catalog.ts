// Models the picker offers: the embedded defaults (served from public/models, work offline) and Hub ids of the
// bert and gpt2 families for users who are online.

export interface EmbeddedModel {
  name: string;
  modelType: 'gpt2' | 'bert';
  /** Folder under the page's base URL with config.json, model.safetensors (and tokenizer.json). */
  path: string;
}

export const EMBEDDED_MODELS: EmbeddedModel[] = [
  { name: 'playground-gpt2', modelType: 'gpt2', path: 'models/playground-gpt2/' },
  { name: 'playground-bert', modelType: 'bert', path: 'models/playground-bert/' },
];

export const HUB_SUGGESTIONS = [
  'gpt2',
  'distilgpt2',
  'gpt2-medium',
  'sshleifer/tiny-gpt2',
  'bert-base-uncased',
  'bert-base-cased',
  'prajjwal1/bert-tiny',
  'google/bert_uncased_L-4_H-256_A-4',
];

/** The built-in tokenizer of each family, used when a model folder has no tokenizer.json. */
export const FAMILY_TOKENIZER = { gpt2: 'gpt2', bert: 'bert-base-uncased' } as const;
