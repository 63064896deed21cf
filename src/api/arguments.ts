// Checks of every `window.playground` argument (tokenize / decode: src/tokenizers/arguments.ts): a wrong one is refused
// before anything runs, with the call, the argument, what it was and what is allowed. Ranges that depend on the loaded
// model (vocabulary, context, token types) are checked against its dimensions when they are given.

import { engine } from '../engine/engine';
import type { GraphWeights, ModelDims } from '../models/family';
import { WEIGHT_CHOICES, type WeightChoice } from '../models/checkpoint';
import { ATTENTION_VIEWS, type AttentionIdsInput, type AttentionViewState } from '../state/attentionSlice';
import { COLORMAPS } from '../attention/colormaps';
import type { TokenFilter } from '../attention/filter';
import type { AttentionSet, Reduction } from '../attention/types';
import type { ColumnMapping, LabelledRow } from '../finetune/data/examples';
import type { Hyperparameters } from '../finetune/hyperparameters';
import type { DataOptions, DataSource } from '../finetune/dataInput';
import type { FineTuneSettings } from '../state/fineTuneSlice';
import type { OrtProvider } from '../onnx/ortSession';
import { ONNX_WEIGHTS } from '../onnx/exportOnnx';

/** What the checks need of the loaded model (absent: only the shape of the arguments is checked). */
export type ModelLimits = Pick<ModelDims, 'V' | 'P' | 'typeVocabSize'>;

/** The loaded model's sizes, when one is loaded. */
export function loadedModelLimits(): ModelLimits | undefined {
  const dims = engine.model?.config.dims;
  return dims && { V: dims.V, P: dims.P, typeVocabSize: dims.typeVocabSize };
}

export const REDUCTIONS: readonly Reduction[] = ['head', 'mean', 'max', 'rollout'];
export const MAX_SHOWN_TOKENS = 8192;
const MAX_LAYERS = 256;
const MAX_HEADS = 1024;
const MAX_ROWS = 1_000_000;

/** A value in a few words, for messages: never the whole of a long string or array. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined (missing)';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'string') return value.length > 40 ? `the string ${JSON.stringify(value.slice(0, 40))}…` : `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'function') return 'a function';
  if (typeof File !== 'undefined' && value instanceof File) return `the file ${value.name}`;
  if (typeof Blob !== 'undefined' && value instanceof Blob) return 'a Blob';
  if (ArrayBuffer.isView(value)) return `a ${value.constructor.name}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}

const fail = (call: string, what: string, allowed: string, value: unknown): never => {
  throw new Error(`${call}: ${what} must be ${allowed}, not ${describeValue(value)}.`);
};

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value) && !(typeof Blob !== 'undefined' && value instanceof Blob);

/** An options object (or undefined) with no key outside `allowed`. */
export function checkOptions(call: string, value: unknown, allowed: readonly string[], what = 'the options'): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) fail(call, what, `an object (keys: ${allowed.join(', ')})`, value);
  const unknown = Object.keys(value as object).find((key) => !allowed.includes(key));
  if (unknown !== undefined) throw new Error(`${call}: ${what} have no "${unknown}" (allowed: ${allowed.join(', ')}).`);
  return value as Record<string, unknown>;
}

export function checkText(call: string, value: unknown, what: string, { empty = false } = {}): string {
  if (typeof value !== 'string') fail(call, what, 'a string', value);
  if (!empty && (value as string).trim() === '') throw new Error(`${call}: ${what} is empty: give some text.`);
  return value as string;
}

function checkInteger(call: string, value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(call, what, `a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}`, value);
  }
  return value as number;
}

function checkNumber(call: string, value: unknown, what: string, range: string, inRange: (n: number) => boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !inRange(value)) fail(call, what, `a number ${range}`, value);
  return value as number;
}

function checkBoolean(call: string, value: unknown, what: string): boolean {
  if (typeof value !== 'boolean') fail(call, what, 'true or false', value);
  return value as boolean;
}

function checkOneOf<T extends string>(call: string, value: unknown, what: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) fail(call, what, `one of ${allowed.map((v) => `'${v}'`).join(', ')}`, value);
  return value as T;
}

/**
 * Whole numbers below `below` (when known), every position filled (holes and undefined refused), at most `maxLength`.
 * Integer typed arrays are read as arrays.
 */
export function checkIdList(call: string, value: unknown, what: string, { below, maxLength, minLength = 1, idWord = 'id' }: { below?: number; maxLength?: number; minLength?: number; idWord?: string } = {}): number[] {
  const ids = ArrayBuffer.isView(value) && !(value instanceof Float32Array || value instanceof Float64Array || value instanceof DataView) ? Array.from(value as Uint32Array) : value;
  if (!Array.isArray(ids)) fail(call, what, `an array of token ${idWord}s (whole numbers from 0)`, value);
  const list = ids as unknown[];
  if (list.length < minLength) throw new Error(`${call}: ${what} ${list.length === 0 ? 'is empty' : `has ${list.length}`}: give at least ${minLength} token ${idWord}${minLength === 1 ? '' : 's'}.`);
  if (maxLength !== undefined && list.length > maxLength) throw new Error(`${call}: ${what} has ${list.length.toLocaleString('en-US')} entries; the model's context holds ${maxLength.toLocaleString('en-US')}.`);
  for (let i = 0; i < list.length; i++) {
    if (!(i in list)) throw new Error(`${call}: ${what} has a hole at position ${i}: every entry must be a token ${idWord}.`);
    const id = list[i];
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) throw new Error(`${call}: ${what}[${i}] is ${describeValue(id)}, not a token ${idWord} (a whole number from 0).`);
    if (below !== undefined && id >= below) throw new Error(`${call}: ${what}[${i}] is ${id}, outside the loaded model's range 0..${below - 1}.`);
  }
  return list as number[];
}

/** Token type ids: one per token, below the model's type vocabulary when it has one. */
function checkTypeIds(call: string, value: unknown, what: string, length: number, model?: ModelLimits): number[] {
  const types = checkIdList(call, value, what, { below: model && model.typeVocabSize > 0 ? model.typeVocabSize : undefined, minLength: 0, idWord: 'type id' });
  if (types.length !== length) throw new Error(`${call}: ${what} has ${types.length} entries for ${length} ids: give one type id per token.`);
  return types;
}

export function checkModelSource(value: unknown): string | File[] {
  const call = 'loadModel';
  if (typeof value === 'string') {
    const source = value.trim();
    if (source === '' || source.length > 4096) fail(call, 'the source', "an embedded model's name, a Hub id or an http(s) URL", value);
    return source;
  }
  const files = typeof FileList !== 'undefined' && value instanceof FileList ? Array.from(value) : value;
  if (Array.isArray(files) && files.length > 0 && files.every((file) => typeof File !== 'undefined' && file instanceof File)) return files as File[];
  return fail(call, 'the source', "an embedded model's name, a Hub id, an http(s) URL or a non-empty list of File objects", value);
}

/** How matmul weights are stored ('auto', 'f32', 'f16', 'q8', 'q4'), for loadModel and setWeights. */
export function checkWeights(call: string, value: unknown): WeightChoice {
  if (typeof value !== 'string' || !(WEIGHT_CHOICES as readonly string[]).includes(value)) {
    fail(call, 'weights', `one of ${WEIGHT_CHOICES.map((choice) => `'${choice}'`).join(', ')}`, value);
  }
  return value as WeightChoice;
}

/**
 * loadModel's options: a Hub revision (branch, tag, refs/pr/N or commit) and an access token, for this load only, and
 * the weight format.
 */
export function loadModelArguments(source: unknown, options: unknown): { source: string | File[]; revision?: string; token?: string; weights?: WeightChoice } {
  const call = 'loadModel';
  const checked = checkModelSource(source);
  const given = checkOptions(call, options, ['revision', 'token', 'weights']);
  const parsed: { source: string | File[]; revision?: string; token?: string; weights?: WeightChoice } = { source: checked };
  if (Array.isArray(checked) && (given.revision !== undefined || given.token !== undefined)) {
    throw new Error(`${call}: revision and token are for Hub ids; local files have neither.`);
  }
  if (given.weights !== undefined) parsed.weights = checkWeights(call, given.weights);
  if (given.revision !== undefined) {
    const revision = given.revision;
    if (typeof revision !== 'string' || !/^[^\s]{1,255}$/.test(revision)) {
      fail(call, 'revision', 'a branch, tag, refs/pr/<number> or commit hash without spaces (1 to 255 characters)', revision);
    }
    parsed.revision = revision as string;
  }
  if (given.token !== undefined) {
    const token = given.token;
    if (typeof token !== 'string') fail(call, 'token', 'a Hub access token (a string)', token);
    // The token itself is never repeated in the message: it may be a real one with a stray space.
    if (!/^[\x21-\x7e]{1,1024}$/.test(token as string)) throw new Error(`${call}: token must be a Hub access token of 1 to 1,024 printable characters without spaces; the one given (${(token as string).length} characters) is not.`);
    parsed.token = token as string;
  }
  return parsed;
}

export function forwardArguments(ids: unknown, options: unknown, model?: ModelLimits, call = 'forward'): { ids: number[]; tokenTypeIds?: number[]; saveQkv?: boolean } {
  const given = checkOptions(call, options, call === 'forward' ? ['tokenTypeIds', 'saveQkv'] : ['tokenTypeIds', 'provider']);
  const list = checkIdList(call, ids, 'ids', { below: model?.V, maxLength: model?.P });
  const parsed: { ids: number[]; tokenTypeIds?: number[]; saveQkv?: boolean } = { ids: list };
  if (given.tokenTypeIds !== undefined) parsed.tokenTypeIds = checkTypeIds(call, given.tokenTypeIds, 'tokenTypeIds', list.length, model);
  if (given.saveQkv !== undefined) parsed.saveQkv = checkBoolean(call, given.saveQkv, 'saveQkv');
  return parsed;
}

export function compareArguments(ids: unknown, options: unknown, model?: ModelLimits): { ids: number[]; provider: OrtProvider; tokenTypeIds?: number[] } {
  const { ids: list, tokenTypeIds } = forwardArguments(ids, options, model, 'compareWithOrt');
  const given = checkOptions('compareWithOrt', options, ['tokenTypeIds', 'provider']);
  const provider = given.provider === undefined ? 'webgpu' : checkOneOf<OrtProvider>('compareWithOrt', given.provider, 'provider', ['webgpu', 'wasm']);
  return { ids: list, provider, tokenTypeIds };
}

export interface CheckedGenerateOptions {
  maxNewTokens?: number;
  temperature?: number;
  topK?: number;
  topP?: number;
  seed?: number;
  stopIds?: number[];
  topProbabilities?: number;
  onAttention?: (step: number, attentions: Float32Array[]) => void;
}

export function generateArguments(prompt: unknown, options: unknown, model?: ModelLimits): { prompt: string; options: CheckedGenerateOptions } {
  const call = 'generate';
  const text = checkText(call, prompt, 'the prompt');
  const given = checkOptions(call, options, ['maxNewTokens', 'temperature', 'topK', 'topP', 'seed', 'stopIds', 'topProbabilities', 'onAttention']);
  const parsed: CheckedGenerateOptions = {};
  if (given.maxNewTokens !== undefined) parsed.maxNewTokens = checkInteger(call, given.maxNewTokens, 'maxNewTokens', 1, model?.P ?? 1_048_576);
  if (given.temperature !== undefined) parsed.temperature = checkNumber(call, given.temperature, 'temperature', 'from 0 (greedy) to 100', (t) => t >= 0 && t <= 100);
  if (given.topK !== undefined) parsed.topK = checkInteger(call, given.topK, 'topK', 0, model?.V ?? 1_048_576);
  if (given.topP !== undefined) parsed.topP = checkNumber(call, given.topP, 'topP', 'above 0 and at most 1 (1 = off)', (p) => p > 0 && p <= 1);
  if (given.seed !== undefined) parsed.seed = checkInteger(call, given.seed, 'seed', 0, 2 ** 32 - 1);
  if (given.stopIds !== undefined) parsed.stopIds = checkIdList(call, given.stopIds, 'stopIds', { below: model?.V, minLength: 0 });
  if (given.topProbabilities !== undefined) parsed.topProbabilities = checkInteger(call, given.topProbabilities, 'topProbabilities', 0, 64);
  if (given.onAttention !== undefined) {
    if (typeof given.onAttention !== 'function') fail(call, 'onAttention', 'a function (step, attentions) => void', given.onAttention);
    parsed.onAttention = given.onAttention as CheckedGenerateOptions['onAttention'];
  }
  return { prompt: text, options: parsed };
}

export function exportOnnxArguments(options: unknown): { attentions: boolean; pastKeyValues?: boolean; weights?: GraphWeights } {
  const given = checkOptions('exportOnnx', options, ['attentions', 'pastKeyValues', 'weights']);
  return {
    attentions: given.attentions === undefined ? true : checkBoolean('exportOnnx', given.attentions, 'attentions'),
    pastKeyValues: given.pastKeyValues === undefined ? undefined : checkBoolean('exportOnnx', given.pastKeyValues, 'pastKeyValues'),
    weights: given.weights === undefined ? undefined : checkOneOf('exportOnnx', given.weights, 'weights', ONNX_WEIGHTS),
  };
}

/** A sentence and an optional second one (embed, classify). */
export function sentenceArguments(call: string, text: unknown, pair: unknown): { text: string; pair?: string } {
  return { text: checkText(call, text, 'the text'), pair: pair === undefined ? undefined : checkText(call, pair, 'the pair (the second sentence)') };
}

// ---------------------------------------------------------------------------------------------------------------
// Fine-tuning

/** Each hyperparameter's type and bounds (a model's context limit on maxLength is checked once the model is known). */
const HYPERPARAMETERS: Record<keyof Hyperparameters, (value: unknown) => number> = {
  learningRate: (v) => checkNumber('fineTune', v, 'hyperparameters.learningRate', 'above 0 and below 1', (n) => n > 0 && n < 1),
  batchSize: (v) => checkInteger('fineTune', v, 'hyperparameters.batchSize', 1, 4096),
  epochs: (v) => checkInteger('fineTune', v, 'hyperparameters.epochs', 1, 10_000),
  maxLength: (v) => checkInteger('fineTune', v, 'hyperparameters.maxLength', 1, 1_048_576),
  warmupRatio: (v) => checkNumber('fineTune', v, 'hyperparameters.warmupRatio', 'from 0 to below 1', (n) => n >= 0 && n < 1),
  weightDecay: (v) => checkNumber('fineTune', v, 'hyperparameters.weightDecay', 'from 0 to 1', (n) => n >= 0 && n <= 1),
  validationFraction: (v) => checkNumber('fineTune', v, 'hyperparameters.validationFraction', 'above 0 and below 1', (n) => n > 0 && n < 1),
  seed: (v) => checkInteger('fineTune', v, 'hyperparameters.seed', 0, 2 ** 32 - 1),
  checkpointEvery: (v) => checkInteger('fineTune', v, 'hyperparameters.checkpointEvery', 1, 1_000_000),
  sampleEvery: (v) => checkInteger('fineTune', v, 'hyperparameters.sampleEvery', 1, 1_000_000),
};

export interface CheckedFineTune {
  task: FineTuneSettings['task'];
  /** A table or text to parse, or rows already labelled. */
  data: DataSource | { rows: LabelledRow[] };
  dataOptions: DataOptions;
  settings: Partial<Omit<FineTuneSettings, 'task'>>;
}

export function fineTuneArguments(request: unknown): CheckedFineTune {
  const call = 'fineTune';
  if (request === undefined) throw new Error(`${call} needs a request: { task: 'classification' | 'causal-lm', data, options? }.`);
  const given = checkOptions(call, request, ['task', 'data', 'options'], 'the request');
  const task = checkOneOf(call, given.task, 'task', ['classification', 'causal-lm'] as const);
  const options = checkOptions(call, given.options, ['mode', 'model', 'hyperparameters', 'memoryBudgetBytes', 'format', 'hasHeader', 'mapping']);
  const settings: CheckedFineTune['settings'] = {};
  if (options.mode !== undefined) settings.mode = checkOneOf(call, options.mode, 'options.mode', ['full', 'head'] as const);
  if (options.model !== undefined) settings.model = checkModelSource(options.model);
  if (options.memoryBudgetBytes !== undefined) settings.memoryBudgetBytes = checkNumber(call, options.memoryBudgetBytes, 'options.memoryBudgetBytes', 'of bytes above 0', (n) => n > 0);
  if (options.hyperparameters !== undefined) {
    const h = checkOptions(call, options.hyperparameters, Object.keys(HYPERPARAMETERS), 'options.hyperparameters');
    settings.hyperparameters = Object.fromEntries(Object.entries(h).filter(([, value]) => value !== undefined).map(([key, value]) => [key, HYPERPARAMETERS[key as keyof Hyperparameters](value)]));
  }
  const dataOptions: DataOptions = {};
  if (options.format !== undefined) dataOptions.format = checkOneOf(call, options.format, 'options.format', ['csv', 'tsv', 'jsonl'] as const);
  if (options.hasHeader !== undefined) dataOptions.hasHeader = checkBoolean(call, options.hasHeader, 'options.hasHeader');
  if (options.mapping !== undefined) dataOptions.mapping = checkMapping(options.mapping);
  if (task === 'causal-lm' && settings.mode === 'head') throw new Error(`${call}: options.mode 'head' trains a classifier; causal-lm trains every parameter ('full').`);
  return { task, data: checkData(task, given.data), dataOptions, settings };
}

function checkMapping(value: unknown): ColumnMapping {
  const call = 'fineTune';
  const given = checkOptions(call, value, ['textColumns', 'labelColumn'], 'options.mapping');
  const columns = given.textColumns;
  if (!Array.isArray(columns) || columns.length < 1 || columns.length > 2) fail(call, 'options.mapping.textColumns', 'one column index or two (a sentence pair), e.g. [0] or [0, 1]', columns);
  const textColumns = (columns as unknown[]).map((c, i) => checkInteger(call, c, `options.mapping.textColumns[${i}]`, 0, 999)) as ColumnMapping['textColumns'];
  return { textColumns, labelColumn: checkInteger(call, given.labelColumn, 'options.mapping.labelColumn', 0, 999) };
}

function checkData(task: CheckedFineTune['task'], data: unknown): CheckedFineTune['data'] {
  const call = 'fineTune';
  if (typeof data === 'string' || (typeof Blob !== 'undefined' && data instanceof Blob)) return data;
  if (!Array.isArray(data)) {
    const forms = task === 'classification' ? 'a File or Blob, a string (CSV, TSV or JSONL) or an array of { text, label } rows' : 'plain text: a string, a File or a Blob';
    return fail(call, 'data', forms, data);
  }
  if (task === 'causal-lm') throw new Error(`${call}: causal-lm data is plain text (a string, a File or a Blob), not ${describeValue(data)}.`);
  if (data.length === 0) throw new Error(`${call}: data is an empty array: give { text, label } rows.`);
  if (data.length > MAX_ROWS) throw new Error(`${call}: data has ${data.length.toLocaleString('en-US')} rows; at most ${MAX_ROWS.toLocaleString('en-US')}.`);
  const withPair = isPlainObject(data[0]) && data[0].pair !== undefined;
  const rows: LabelledRow[] = [];
  for (let i = 0; i < data.length; i++) {
    const row: unknown = data[i];
    if (!isPlainObject(row)) fail(call, `data[${i}]`, 'a row { text, label } (pair optional)', row);
    const fields = checkOptions(call, row, ['text', 'pair', 'label'], `data[${i}]`);
    const text = checkText(call, fields.text, `data[${i}].text`);
    const label = fields.label;
    if (!(typeof label === 'string' && label.trim() !== '') && !(typeof label === 'number' && Number.isFinite(label)) && typeof label !== 'boolean') {
      fail(call, `data[${i}].label`, 'a label: a non-empty string, a number or true/false', label);
    }
    if ((fields.pair !== undefined) !== withPair) throw new Error(`${call}: data[${i}] ${withPair ? 'has no pair while data[0] has one' : 'has a pair while data[0] has none'}: give every row a pair, or none.`);
    rows.push({ text, label: String(label), ...(withPair ? { pair: checkText(call, fields.pair, `data[${i}].pair`) } : {}) });
  }
  return { rows };
}

// ---------------------------------------------------------------------------------------------------------------
// Attention

/** A tensor to show without running a model: (L) x (H, T, T) per layer, as typed arrays or plain numbers. */
export interface SyntheticAttentionInput {
  tokens: string[];
  attentions: (Float32Array | number[])[];
  causal?: boolean;
  special?: boolean[];
  typeIds?: number[];
}

export function showAttentionArguments(input: unknown, model?: ModelLimits): { ids: AttentionIdsInput } | { set: AttentionSet } {
  const call = 'showAttention';
  if (!isPlainObject(input)) return fail(call, 'the input', '{ ids, typeIds? } (run the loaded model) or { tokens, attentions, causal?, special?, typeIds? } (show a tensor)', input);
  if ('ids' in input) {
    const given = checkOptions(call, input, ['ids', 'typeIds', 'tokens'], 'the input');
    const ids = checkIdList(call, given.ids, 'ids', { below: model?.V, maxLength: model?.P ? Math.min(model.P, MAX_SHOWN_TOKENS) : MAX_SHOWN_TOKENS });
    const checked: AttentionIdsInput = { ids };
    if (given.typeIds !== undefined) checked.typeIds = checkTypeIds(call, given.typeIds, 'typeIds', ids.length, model);
    if (given.tokens !== undefined) checked.tokens = checkTokens(call, given.tokens, ids.length);
    return { ids: checked };
  }
  const given = checkOptions(call, input, ['tokens', 'attentions', 'causal', 'special', 'typeIds'], 'the input');
  if (!Array.isArray(given.tokens) || given.tokens.length === 0 || given.tokens.length > MAX_SHOWN_TOKENS) {
    fail(call, 'tokens', `an array of 1 to ${MAX_SHOWN_TOKENS} strings`, given.tokens);
  }
  const T = (given.tokens as unknown[]).length;
  const tokens = checkTokens(call, given.tokens, T);
  const layers = given.attentions;
  if (!Array.isArray(layers) || layers.length === 0 || layers.length > MAX_LAYERS) fail(call, 'attentions', `an array of 1 to ${MAX_LAYERS} layers, each (H, T, T) weights`, layers);
  let heads = 0;
  const attentions = (layers as unknown[]).map((layer, l) => {
    if (!(layer instanceof Float32Array) && !Array.isArray(layer)) fail(call, `attentions[${l}]`, 'a Float32Array or an array of numbers, (H, T, T) row-major', layer);
    const values = layer as ArrayLike<unknown>;
    const H = values.length / (T * T);
    if (!Number.isInteger(H) || H < 1 || H > MAX_HEADS) throw new Error(`${call}: attentions[${l}] holds ${values.length} weights, not H × ${T} × ${T} for ${T} tokens (1 to ${MAX_HEADS} heads).`);
    if (l > 0 && H !== heads) throw new Error(`${call}: attentions[${l}] has ${H} heads, attentions[0] has ${heads}: every layer has as many heads.`);
    heads = H;
    const block = layer instanceof Float32Array ? layer : new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      const weight = values[i];
      if (typeof weight !== 'number' || !(weight >= 0 && weight <= 1 + 1e-6)) throw new Error(`${call}: attentions[${l}][${i}] is ${describeValue(weight)}, not a weight from 0 to 1.`);
      block[i] = weight;
    }
    return block;
  });
  const special = given.special === undefined ? tokens.map(() => false) : checkFlags(call, given.special, T);
  const typeIds = given.typeIds === undefined ? undefined : checkTypeIds(call, given.typeIds, 'typeIds', T);
  const causal = given.causal === undefined ? false : checkBoolean(call, given.causal, 'causal');
  return { set: { tokens, special, typeIds, causal, layers: attentions.length, heads, T, attentions } };
}

function checkTokens(call: string, value: unknown, length: number): string[] {
  if (!Array.isArray(value) || value.length !== length) fail(call, 'tokens', `an array of ${length} strings (one per token)`, value);
  (value as unknown[]).forEach((token, i) => typeof token !== 'string' && fail(call, `tokens[${i}]`, 'a string', token));
  return value as string[];
}

function checkFlags(call: string, value: unknown, length: number): boolean[] {
  if (!Array.isArray(value) || value.length !== length) fail(call, 'special', `an array of ${length} booleans (one per token)`, value);
  (value as unknown[]).forEach((flag, i) => typeof flag !== 'boolean' && fail(call, `special[${i}]`, 'true or false', flag));
  return value as boolean[];
}

/** setAttentionView's patch, with layer, head and tokens inside the tensor shown (when one is). A partial filter merges. */
export function attentionViewArguments(patch: unknown, current: AttentionViewState, shown?: Pick<AttentionSet, 'layers' | 'heads' | 'T'>): Partial<AttentionViewState> {
  const call = 'setAttentionView';
  const keys: (keyof AttentionViewState)[] = ['view', 'layer', 'head', 'reduction', 'filter', 'colormap', 'scale', 'lineHeads', 'query'];
  const given = checkOptions(call, patch, keys, 'the change');
  const layerCount = shown?.layers ?? MAX_LAYERS;
  const headCount = shown?.heads ?? MAX_HEADS;
  const tokenCount = shown?.T ?? MAX_SHOWN_TOKENS;
  const checked: Partial<AttentionViewState> = {};
  if (given.view !== undefined) checked.view = checkOneOf(call, given.view, 'view', ATTENTION_VIEWS);
  if (given.layer !== undefined) checked.layer = checkInteger(call, given.layer, 'layer', 0, layerCount - 1);
  if (given.head !== undefined) checked.head = checkInteger(call, given.head, 'head', 0, headCount - 1);
  if (given.reduction !== undefined) checked.reduction = checkOneOf(call, given.reduction, 'reduction', REDUCTIONS);
  if (given.colormap !== undefined) checked.colormap = checkOneOf(call, given.colormap, 'colormap', COLORMAPS);
  if (given.scale !== undefined) checked.scale = checkOneOf(call, given.scale, 'scale', ['unit', 'max'] as const);
  if (given.query !== undefined) checked.query = checkInteger(call, given.query, 'query', 0, tokenCount - 1);
  if (given.lineHeads !== undefined) {
    if (!Array.isArray(given.lineHeads) || given.lineHeads.length === 0) fail(call, 'lineHeads', 'a non-empty array of head indices', given.lineHeads);
    checked.lineHeads = (given.lineHeads as unknown[]).map((h, i) => checkInteger(call, h, `lineHeads[${i}]`, 0, headCount - 1));
  }
  if (given.filter !== undefined) {
    const filter = checkOptions(call, given.filter, ['hideSpecial', 'selected', 'pair'], 'filter');
    const merged: TokenFilter = { ...current.filter };
    if (filter.hideSpecial !== undefined) merged.hideSpecial = checkBoolean(call, filter.hideSpecial, 'filter.hideSpecial');
    if (filter.pair !== undefined) merged.pair = checkOneOf(call, filter.pair, 'filter.pair', ['all', 'a-to-b', 'b-to-a'] as const);
    if (filter.selected !== undefined) {
      if (!Array.isArray(filter.selected)) fail(call, 'filter.selected', 'an array of token indices', filter.selected);
      merged.selected = (filter.selected as unknown[]).map((t, i) => checkInteger(call, t, `filter.selected[${i}]`, 0, tokenCount - 1));
    }
    checked.filter = merged;
  }
  return checked;
}

export function attentionAtArguments(at: unknown, shown?: Pick<AttentionSet, 'layers' | 'heads'>): { layer?: number; head?: number; reduction?: Reduction } {
  const call = 'attention';
  const given = checkOptions(call, at, ['layer', 'head', 'reduction']);
  return {
    layer: given.layer === undefined ? undefined : checkInteger(call, given.layer, 'layer', 0, (shown?.layers ?? MAX_LAYERS) - 1),
    head: given.head === undefined ? undefined : checkInteger(call, given.head, 'head', 0, (shown?.heads ?? MAX_HEADS) - 1),
    reduction: given.reduction === undefined ? undefined : checkOneOf(call, given.reduction, 'reduction', REDUCTIONS),
  };
}
