// Models the picker offers: the embedded defaults (served from public/models, work offline) and real Hub ids of every
// family the app reads (each family lists its own) for people who are online.

import { FAMILIES } from '../models/registry';

export interface EmbeddedModel {
  name: string;
  modelType: string; // config.json's model_type
  kind: 'encoder' | 'decoder';
  /** Folder under the page's base URL with config.json, model.safetensors (and tokenizer.json). */
  path: string;
}

export const EMBEDDED_MODELS: EmbeddedModel[] = [
  { name: 'playground-gpt2', modelType: 'gpt2', kind: 'decoder', path: 'models/playground-gpt2/' },
  { name: 'playground-bert', modelType: 'bert', kind: 'encoder', path: 'models/playground-bert/' },
];

export const HUB_SUGGESTIONS: readonly { id: string; family: string }[] = FAMILIES.flatMap((family) =>
  family.hubSuggestions.map((id) => ({ id, family: family.label })),
);

