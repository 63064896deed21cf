/** The parts of a Hugging Face tokenizer.json this project reads, checked before anything loops over them. */
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

export interface ModelConfig extends StageConfig {
  /** WordPiece and BPE: token -> id. */
  vocab: Record<string, number>;
}

export interface TokenizerJson {
  added_tokens: AddedTokenConfig[];
  normalizer: StageConfig | null;
  pre_tokenizer: StageConfig | null;
  post_processor: StageConfig | null;
  decoder: StageConfig | null;
  model: ModelConfig;
  padding: Record<string, unknown> | null;
}

/** Thrown when a tokenizer.json uses a stage whose character offsets this project cannot compute exactly. */
export class UnsupportedTokenizerError extends Error {
  override name = 'UnsupportedTokenizerError';
}

/** A tokenizer file that is malformed or out of bounds; the message names the file and the field. */
export class TokenizerFileError extends Error {
  override name = 'TokenizerFileError';
}

/**
 * Bounds checked before any allocation or loop that scales with a file's numbers. The largest real vocabularies
 * (Gemma, 256,000; Qwen2, 151,665) sit far below them.
 */
export const TOKENIZER_LIMITS = {
  /** Token ids are whole numbers below this. */
  maxTokenId: 2_097_152,
  vocabularyEntries: 2_097_152,
  merges: 2_097_152,
  addedTokens: 100_000,
  /** Characters in one vocabulary entry or added token. */
  tokenLength: 4_096,
};

const describe = (value: unknown) =>
  value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value;

/** ", not 42" — or " (it is missing)" when there is nothing. */
const butIs = (value: unknown) => (value === undefined ? 'but it is missing' : `not ${describe(value)}`);

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Checks a tokenizer.json's shape and bounds; `source` names the file in every message. */
export function asTokenizerJson(value: unknown, source = 'tokenizer.json'): TokenizerJson {
  const fail = (field: string, problem: string): never => {
    throw new TokenizerFileError(`${source}: ${field} ${problem}`);
  };
  if (!isObject(value) || !isObject(value.model)) {
    throw new TokenizerFileError(`Not a tokenizer.json (${source}): expected an object with a "model" section.`);
  }
  const stage = (field: string): StageConfig | null => {
    const config = value[field];
    if (config === undefined || config === null) return null;
    if (!isObject(config) || typeof config.type !== 'string') fail(field, `must be null or an object with a "type", ${butIs(config)}.`);
    return config as StageConfig;
  };
  const model = value.model;
  if (typeof model.type !== 'string') {
    // Files written by old versions of the library leave the model's type out; infer it as the library does.
    model.type = 'merges' in model ? 'BPE' : 'continuing_subword_prefix' in model ? 'WordPiece' : undefined;
    if (model.type === undefined) fail('model.type', 'is missing.');
  }
  if (model.type !== 'BPE' && model.type !== 'WordPiece') {
    throw new UnsupportedTokenizerError(`${source}: model.type "${String(model.type)}" is not supported (BPE and WordPiece are).`);
  }
  checkVocabulary(model.vocab, fail);
  if (model.type === 'BPE') {
    if (!Array.isArray(model.merges)) fail('model.merges', `must be an array, ${butIs(model.merges)}.`);
    if ((model.merges as unknown[]).length > TOKENIZER_LIMITS.merges) {
      fail('model.merges', `has ${(model.merges as unknown[]).length.toLocaleString('en-US')} entries; at most ${TOKENIZER_LIMITS.merges.toLocaleString('en-US')} are allowed.`);
    }
  }
  const added = value.added_tokens ?? [];
  if (!Array.isArray(added)) fail('added_tokens', `must be an array, ${butIs(added)}.`);
  if ((added as unknown[]).length > TOKENIZER_LIMITS.addedTokens) {
    fail('added_tokens', `has ${(added as unknown[]).length.toLocaleString('en-US')} entries; at most ${TOKENIZER_LIMITS.addedTokens.toLocaleString('en-US')} are allowed.`);
  }
  const addedTokens = (added as unknown[]).map((token, index) => asAddedToken(token, `added_tokens[${index}]`, fail));
  const padding = value.padding ?? null;
  if (padding !== null && !isObject(padding)) fail('padding', `must be null or an object, ${butIs(padding)}.`);
  return {
    added_tokens: addedTokens,
    normalizer: stage('normalizer'),
    pre_tokenizer: stage('pre_tokenizer'),
    post_processor: stage('post_processor'),
    decoder: stage('decoder'),
    model: model as ModelConfig,
    padding: padding as Record<string, unknown> | null,
  };
}

export function checkTokenId(id: unknown, field: string, fail: (field: string, problem: string) => never): number {
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= TOKENIZER_LIMITS.maxTokenId) {
    fail(field, `is ${id === undefined ? 'missing' : typeof id === 'number' ? String(id) : describe(id)}; token ids must be whole numbers from 0 to ${(TOKENIZER_LIMITS.maxTokenId - 1).toLocaleString('en-US')}.`);
  }
  return id as number;
}

function checkVocabulary(vocab: unknown, fail: (field: string, problem: string) => never): void {
  if (!isObject(vocab)) fail('model.vocab', `must be an object of token -> id, ${butIs(vocab)}.`);
  let count = 0;
  for (const token in vocab as Record<string, unknown>) {
    if (++count > TOKENIZER_LIMITS.vocabularyEntries) {
      fail('model.vocab', `has more than ${TOKENIZER_LIMITS.vocabularyEntries.toLocaleString('en-US')} entries.`);
    }
    if (token.length > TOKENIZER_LIMITS.tokenLength) fail(`model.vocab[${JSON.stringify(token.slice(0, 20))}…]`, `is longer than ${TOKENIZER_LIMITS.tokenLength} characters.`);
    checkTokenId((vocab as Record<string, unknown>)[token], `model.vocab[${JSON.stringify(token)}]`, fail);
  }
}

function asAddedToken(value: unknown, field: string, fail: (field: string, problem: string) => never): AddedTokenConfig {
  if (!isObject(value)) fail(field, `must be an object, ${butIs(value)}.`);
  const token = value as Record<string, unknown>;
  if (typeof token.content !== 'string' || token.content.length === 0) fail(`${field}.content`, `must be a non-empty string, ${butIs(token.content)}.`);
  if ((token.content as string).length > TOKENIZER_LIMITS.tokenLength) fail(`${field}.content`, `is longer than ${TOKENIZER_LIMITS.tokenLength} characters.`);
  const flag = (name: string, fallback: boolean): boolean => {
    const flagValue = token[name] ?? fallback;
    if (typeof flagValue !== 'boolean') fail(`${field}.${name}`, `must be true or false, ${butIs(flagValue)}.`);
    return flagValue as boolean;
  };
  const special = flag('special', false);
  return {
    id: checkTokenId(token.id, `${field}.id`, fail),
    content: token.content as string,
    special,
    normalized: flag('normalized', !special),
    lstrip: flag('lstrip', false),
    rstrip: flag('rstrip', false),
    single_word: flag('single_word', false),
  };
}

/** The stage itself or, for a `Sequence`, its members (recursively). */
export function flattenStages(config: StageConfig | null, membersKey: string, source = 'tokenizer.json'): StageConfig[] {
  if (config === null) return [];
  if (config.type !== 'Sequence') return [config];
  const members = config[membersKey];
  if (!Array.isArray(members) || members.some((member) => !isObject(member) || typeof member.type !== 'string')) {
    throw new TokenizerFileError(`${source}: a Sequence's "${membersKey}" must be an array of stages with a "type".`);
  }
  return (members as StageConfig[]).flatMap((member) => flattenStages(member, membersKey, source));
}

/** Reads a stage's field, checking its type; the message names the stage and the field. */
export function stageField<T>(config: StageConfig, field: string, kind: 'string' | 'boolean' | 'number' | 'object', fallback?: T): T {
  const value = config[field];
  if (value === undefined || value === null) {
    if (fallback !== undefined) return fallback;
    throw new TokenizerFileError(`tokenizer.json: ${config.type}.${field} is missing.`);
  }
  if (kind === 'object' ? !isObject(value) && !Array.isArray(value) : typeof value !== kind) {
    throw new TokenizerFileError(`tokenizer.json: ${config.type}.${field} must be a ${kind}, ${butIs(value)}.`);
  }
  return value as T;
}
