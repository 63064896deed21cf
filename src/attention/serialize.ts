// The attention tensor as JSON: `attentions` nested (L, H, T, T). Numbers carry 9 significant digits, which
// round-trips every float32 exactly. Written in parts so a 512-token, 144-head tensor never becomes one string.

import type { AttentionSet } from './types';

export const ATTENTION_JSON_FORMAT = 'transformer-playground/attention@1';

interface AttentionJson {
  format: typeof ATTENTION_JSON_FORMAT;
  model?: string;
  tokens: string[];
  ids?: number[];
  special: boolean[];
  typeIds?: number[];
  causal: boolean;
  /** Byte-level BPE tokens (GPT-2 style): labels are decoded to the text they stand for. */
  byteLevel?: boolean;
  shape: [number, number, number, number]; // (L, H, T, T)
  attentions: number[][][][]; // (L, H, T, T)
}

function rowText(layer: Float32Array, start: number, T: number): string {
  const numbers: string[] = new Array(T);
  for (let j = 0; j < T; j++) numbers[j] = String(Number(layer[start + j].toPrecision(9)));
  return `[${numbers.join(',')}]`;
}

/** JSON text in parts (join them, or hand them to a Blob). */
export function attentionJsonParts(set: AttentionSet, model?: string): string[] {
  const { tokens, ids, special, typeIds, causal, byteLevel, layers, heads, T } = set;
  const header: Omit<AttentionJson, 'attentions'> = { format: ATTENTION_JSON_FORMAT, model, tokens, ids, special, typeIds, causal, byteLevel, shape: [layers, heads, T, T] };
  const parts = [`${JSON.stringify(header).slice(0, -1)},"attentions":[`];
  set.attentions.forEach((layer, l) => {
    const headsText: string[] = [];
    for (let h = 0; h < heads; h++) {
      const rows: string[] = [];
      for (let i = 0; i < T; i++) rows.push(rowText(layer, (h * T + i) * T, T));
      headsText.push(`[${rows.join(',')}]`);
    }
    parts.push(`${l > 0 ? ',' : ''}[${headsText.join(',')}]`);
  });
  parts.push(']}');
  return parts;
}

/** What an opened export may hold: the explorer's largest views with room to spare, nothing that freezes the tab. */
export const ATTENTION_JSON_LIMITS = { layers: 256, heads: 1024, tokens: 8192, values: 2 ** 27, tokenLength: 10_000, modelName: 500 } as const;

/** A value in a few words; strings are not echoed (a file's text is not the message's). */
const kind = (value: unknown) =>
  value === null ? 'null' : value === undefined ? 'missing' : Array.isArray(value) ? `an array of ${value.length}` : typeof value === 'string' ? 'a string' : typeof value === 'number' ? String(value) : typeof value;

class FieldCheck {
  constructor(private readonly file: string) {}

  fail(field: string, problem: string): never {
    throw new Error(`${this.file}: "${field}" ${problem}.`);
  }

  /** An array of exactly `length` items, each passing `item` (which returns its problem or undefined). */
  list<T>(field: string, value: unknown, length: number, what: string, item: (entry: unknown) => boolean): T[] {
    if (!Array.isArray(value) || value.length !== length) this.fail(field, `must be an array of ${length} ${what} (one per token), not ${kind(value)}`);
    for (let i = 0; i < length; i++) {
      if (!(i in value) || !item(value[i])) this.fail(field, `must hold ${what}: item ${i} is ${kind(value[i])}`);
    }
    return value as T[];
  }
}

/** Attention JSON text (a file's contents) -> a set; every problem is a sentence naming the file and the field. */
export function attentionFromJsonText(text: string, file = 'attention JSON'): AttentionSet {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not JSON (${error instanceof Error ? error.message.replace(/^JSON\.parse: /, '') : 'unreadable'}): open a file made by Export JSON.`);
  }
  return attentionFromJson(value, file);
}

/**
 * Reads attention JSON back into a set, checking every field before anything scales with it: the format, shape
 * (L, H, T, T) within bounds, tokens (strings), ids and typeIds (whole numbers), special (booleans), causal,
 * model, and every weight (a number from 0 to 1) at its place in the nesting. Throws a sentence naming the field.
 */
export function attentionFromJson(value: unknown, file = 'attention JSON'): AttentionSet {
  const check = new FieldCheck(file);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${file}: expected a JSON object made by Export JSON, not ${kind(value)}.`);
  const json = value as Record<string, unknown>;
  const own = (key: string) => (Object.prototype.hasOwnProperty.call(json, key) ? json[key] : undefined);
  const format = own('format');
  if (format !== ATTENTION_JSON_FORMAT) {
    const found = typeof format === 'string' && format.length <= 80 ? JSON.stringify(format) : kind(format);
    throw new Error(`${file}: Not an attention export: "format" should be ${ATTENTION_JSON_FORMAT} (it is ${found}).`);
  }

  const shape = own('shape');
  const L = ATTENTION_JSON_LIMITS;
  if (!Array.isArray(shape) || shape.length !== 4 || !shape.every((n) => Number.isSafeInteger(n) && n > 0)) {
    check.fail('shape', `must be [layers, heads, tokens, tokens], four positive whole numbers, not ${Array.isArray(shape) ? JSON.stringify(shape).slice(0, 60) : kind(shape)}`);
  }
  const [layers, heads, T, T2] = shape as number[];
  if (T2 !== T) check.fail('shape', `must end in tokens × tokens (${T} and ${T2} differ)`);
  if (layers > L.layers) check.fail('shape', `has ${layers} layers; at most ${L.layers} are shown`);
  if (heads > L.heads) check.fail('shape', `has ${heads} heads; at most ${L.heads} are shown`);
  if (T > L.tokens) check.fail('shape', `has ${T} tokens; at most ${L.tokens} are shown`);
  if (layers * heads * T * T > L.values) check.fail('shape', `holds ${(layers * heads * T * T).toLocaleString('en-US')} weights; at most ${L.values.toLocaleString('en-US')} are shown`);

  const tokens = check.list<string>('tokens', own('tokens'), T, 'strings', (token) => typeof token === 'string' && token.length <= L.tokenLength);
  const whole = (max: number) => (n: unknown) => Number.isSafeInteger(n) && (n as number) >= 0 && (n as number) <= max;
  const ids = own('ids') === undefined ? undefined : check.list<number>('ids', own('ids'), T, 'token ids (whole numbers from 0)', whole(2 ** 32 - 1));
  const typeIds = own('typeIds') === undefined ? undefined : check.list<number>('typeIds', own('typeIds'), T, 'token type ids (whole numbers from 0)', whole(1023));
  const special = own('special') === undefined ? tokens.map(() => false) : check.list<boolean>('special', own('special'), T, 'true or false', (flag) => typeof flag === 'boolean');
  const causal = own('causal') ?? false;
  if (typeof causal !== 'boolean') return check.fail('causal', `must be true or false, not ${kind(causal)}`);
  const byteLevel = own('byteLevel');
  if (byteLevel !== undefined && typeof byteLevel !== 'boolean') check.fail('byteLevel', `must be true or false, not ${kind(byteLevel)}`);
  const model = own('model');
  if (model !== undefined && (typeof model !== 'string' || model.length > L.modelName)) check.fail('model', `must be the model's name (a string of at most ${L.modelName} characters), not ${kind(model)}`);

  const nested = own('attentions');
  if (!Array.isArray(nested) || nested.length !== layers) check.fail('attentions', `must be an array of ${layers} layers (shape[0]), not ${kind(nested)}`);
  const attentions = (nested as unknown[]).map((layer, l) => {
    const block = new Float32Array(heads * T * T);
    if (!Array.isArray(layer) || layer.length !== heads) check.fail(`attentions[${l}]`, `must be an array of ${heads} heads, not ${kind(layer)}`);
    (layer as unknown[]).forEach((head, h) => {
      if (!Array.isArray(head) || head.length !== T) check.fail(`attentions[${l}][${h}]`, `must be an array of ${T} query rows, not ${kind(head)}`);
      (head as unknown[]).forEach((row, i) => {
        if (!Array.isArray(row) || row.length !== T) check.fail(`attentions[${l}][${h}][${i}]`, `must be an array of ${T} weights, not ${kind(row)}`);
        const offset = (h * T + i) * T;
        for (let j = 0; j < T; j++) {
          const weight: unknown = (row as unknown[])[j];
          if (typeof weight !== 'number' || !(weight >= 0 && weight <= 1 + 1e-6)) {
            check.fail(`attentions[${l}][${h}][${i}][${j}]`, `must be a weight from 0 to 1, not ${kind(weight)}`);
          }
          block[offset + j] = weight as number;
        }
      });
    });
    return block;
  });
  return { tokens, ids, typeIds, causal, special, layers, heads, T, attentions, ...(byteLevel === true ? { byteLevel } : {}) };
}
