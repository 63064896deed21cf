/** The parts of a Hugging Face tokenizer.json this adapter reads itself (the library reads the rest). */
export interface StageConfig {
  type: string;
  [key: string]: unknown;
}

export interface AddedTokenConfig {
  id: number;
  content: string;
  special: boolean;
  normalized: boolean;
  lstrip: boolean;
  rstrip: boolean;
  single_word: boolean;
}

export interface TokenizerJson {
  added_tokens: AddedTokenConfig[];
  normalizer: StageConfig | null;
  pre_tokenizer: StageConfig | null;
  post_processor: StageConfig | null;
  decoder: StageConfig | null;
  model: StageConfig & { vocab: unknown };
}

/** Thrown when a tokenizer.json uses a stage whose character offsets this project cannot compute exactly. */
export class UnsupportedTokenizerError extends Error {
  override name = 'UnsupportedTokenizerError';
}

export function asTokenizerJson(value: unknown): TokenizerJson {
  const json = value as Partial<TokenizerJson> | null;
  if (typeof json !== 'object' || json === null || typeof json.model !== 'object' || json.model === null) {
    throw new Error('Not a tokenizer.json: expected an object with a "model" section.');
  }
  return {
    added_tokens: json.added_tokens ?? [],
    normalizer: json.normalizer ?? null,
    pre_tokenizer: json.pre_tokenizer ?? null,
    post_processor: json.post_processor ?? null,
    decoder: json.decoder ?? null,
    model: json.model,
  };
}

/** The stage itself or, for a `Sequence`, its members (recursively). */
export function flattenStages(config: StageConfig | null, membersKey: string): StageConfig[] {
  if (config === null) return [];
  if (config.type !== 'Sequence') return [config];
  return (config[membersKey] as StageConfig[]).flatMap((member) => flattenStages(member, membersKey));
}
