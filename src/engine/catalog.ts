// Models the picker offers: the embedded defaults (served from public/models, work offline) and real Hub ids of every
// family the app reads (each family lists its own) for people who are online.

import { FAMILIES } from '../models/registry';
import type { ModelSource } from '../weights/sources';

export interface EmbeddedModel {
  name: string;
  modelType: string; // config.json's model_type
  kind: 'encoder' | 'decoder';
  /** Folder under the page's base URL. */
  path: string;
  /** Its model files (the tokenizer is a built-in one): the loader asks for these and nothing else. */
  files: readonly string[];
}

export const EMBEDDED_MODELS: EmbeddedModel[] = [
  { name: 'playground-gpt2', modelType: 'gpt2', kind: 'decoder', path: 'models/playground-gpt2/', files: ['config.json', 'model.safetensors'] },
  { name: 'playground-bert', modelType: 'bert', kind: 'encoder', path: 'models/playground-bert/', files: ['config.json', 'model.safetensors'] },
];

export const HUB_SUGGESTIONS: readonly { id: string; family: string }[] = FAMILIES.flatMap((family) =>
  family.hubSuggestions.map((id) => ({ id, family: family.label })),
);


/**
 * A model as the engine and fine-tuning accept it (an embedded name, an http(s) folder, a Hub id, or local files) ->
 * its display name and where its files come from. `access` (revision, token) applies to Hub ids; `org/name@revision`
 * names its own revision.
 */
export function resolveSource(
  source: string | readonly File[],
  hubEndpoint: string,
  access: { revision?: string; token?: string } = {},
): { name: string; source: ModelSource } {
  if (typeof source !== 'string') return { name: 'local files', source: { kind: 'files', files: source } };
  const embedded = EMBEDDED_MODELS.find((model) => model.name === source);
  if (embedded) return { name: embedded.name, source: { kind: 'url', baseUrl: new URL(embedded.path, document.baseURI).href, files: embedded.files } };
  if (/^https?:\/\//.test(source)) return { name: source, source: { kind: 'url', baseUrl: source } };
  const at = source.indexOf('@');
  const id = at < 0 ? source : source.slice(0, at);
  const revision = at < 0 ? access.revision || undefined : source.slice(at + 1);
  const name = revision && revision !== 'main' ? `${id}@${revision}` : id;
  return { name, source: { kind: 'hub', id, endpoint: hubEndpoint, revision, token: access.token || undefined } };
}
