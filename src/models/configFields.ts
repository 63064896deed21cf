// Reading config.json fields with plain-words errors, and the bounds every family's dimensions must respect before
// anything scales with them (a config with n_layer 1e9 must be refused at once, not after a loop over 1e9 layers).

import { WeightsError } from '../weights/errors';
import type { ClassLabels } from './family';

/** Upper bounds of sane checkpoints (the largest public models are well inside them). */
export const CONFIG_LIMITS = {
  layers: 256,
  heads: 1024,
  width: 65_536, // C, and F up to 8·C
  innerWidth: 524_288,
  headSize: 1024,
  vocabulary: 1_048_576,
  positions: 1_048_576,
  typeVocabulary: 1024,
  labels: 100_000,
} as const;

/** Hugging Face's GELU names (hidden_act / activation_function) -> the exact (erf) or tanh form. */
export const GELU_FORMS = { gelu: 'gelu_erf', gelu_new: 'gelu_tanh', gelu_pytorch_tanh: 'gelu_tanh', gelu_fast: 'gelu_tanh' } as const;

export class ConfigFields {
  readonly raw: Record<string, unknown>;

  constructor(
    json: unknown,
    readonly fileName = 'config.json',
  ) {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new WeightsError(`${fileName}: expected a JSON object`, fileName);
    }
    this.raw = json as Record<string, unknown>;
  }

  check(condition: boolean, problem: string): void {
    if (!condition) throw new WeightsError(`${this.fileName}: ${problem}`, this.fileName);
  }

  /** An own field (not an inherited one such as "constructor"), or the fallback. */
  private value(key: string, fallback: unknown): unknown {
    const own = Object.prototype.hasOwnProperty.call(this.raw, key) ? this.raw[key] : undefined;
    const value = own ?? fallback;
    this.check(value !== undefined, `missing required field "${key}"`);
    return value;
  }

  has(key: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.raw, key) && this.raw[key] != null;
  }

  /** A positive integer at most `max` (the field's sane bound). */
  positiveInteger(key: string, max: number, fallback?: number): number {
    const value = this.value(key, fallback);
    this.check(Number.isSafeInteger(value) && (value as number) > 0, `"${key}" must be a positive integer (got ${describe(value)})`);
    this.check((value as number) <= max, `"${key}" is ${(value as number).toLocaleString('en-US')}, more than the ${max.toLocaleString('en-US')} this app accepts`);
    return value as number;
  }

  nonNegativeInteger(key: string, max: number, fallback?: number): number {
    const value = this.value(key, fallback);
    this.check(Number.isSafeInteger(value) && (value as number) >= 0, `"${key}" must be a non-negative integer (got ${describe(value)})`);
    this.check((value as number) <= max, `"${key}" is ${(value as number).toLocaleString('en-US')}, more than the ${max.toLocaleString('en-US')} this app accepts`);
    return value as number;
  }

  positiveNumber(key: string, fallback?: number): number {
    const value = this.value(key, fallback);
    this.check(typeof value === 'number' && Number.isFinite(value) && value > 0, `"${key}" must be a positive number (got ${describe(value)})`);
    return value as number;
  }

  /** A number in [min, max]. */
  numberIn(key: string, min: number, max: number, fallback?: number): number {
    const value = this.value(key, fallback);
    this.check(typeof value === 'number' && value >= min && value <= max, `"${key}" must be a number from ${min} to ${max} (got ${describe(value)})`);
    return value as number;
  }

  string(key: string, fallback?: string): string {
    const value = this.value(key, fallback);
    this.check(typeof value === 'string', `"${key}" must be a string (got ${describe(value)})`);
    return value as string;
  }

  boolean(key: string, fallback?: boolean): boolean {
    const value = this.value(key, fallback);
    this.check(typeof value === 'boolean', `"${key}" must be true or false (got ${describe(value)})`);
    return value as boolean;
  }

  /** One of the allowed strings; the message lists them. */
  oneOf<T extends string>(key: string, allowed: Record<string, T>, fallback?: string): T {
    const value = this.string(key, fallback);
    const mapped = Object.prototype.hasOwnProperty.call(allowed, value) ? allowed[value] : undefined;
    this.check(mapped !== undefined, `${key} "${value}" is not supported (supported: ${Object.keys(allowed).join(', ')})`);
    return mapped as T;
  }

  optionalTokenId(key: string): number | null {
    const value = Object.prototype.hasOwnProperty.call(this.raw, key) ? this.raw[key] : undefined;
    if (value == null) return null;
    // Some configs give a list (several end-of-sequence ids); the first is the one generation stops at by default.
    const id = Array.isArray(value) ? value[0] : value;
    this.check(Number.isSafeInteger(id) && (id as number) >= 0 && (id as number) <= CONFIG_LIMITS.vocabulary, `"${key}" must be a token id (got ${describe(value)})`);
    return id as number;
  }

  /** `num_attention_heads`-style divisibility and head-size checks in one place. */
  heads(widthKey: string, C: number, headsKey: string, H: number): number {
    this.check(C % H === 0, `${widthKey} ${C} is not divisible by ${headsKey} ${H}`);
    const D = C / H;
    this.check(D <= CONFIG_LIMITS.headSize, `the head size ${widthKey} / ${headsKey} = ${D} is more than the ${CONFIG_LIMITS.headSize} this app accepts`);
    return D;
  }

  architectures(): string[] {
    const value = this.raw.architectures;
    return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  }

  /** Hugging Face writes id2label with string keys; without one it assumes num_labels (default 2) labels. */
  labels(): ClassLabels {
    const id2label = this.id2label();
    return { id2label, label2id: this.label2id(id2label), numLabels: Object.keys(id2label).length };
  }

  private id2label(): Record<number, string> {
    const value = Object.prototype.hasOwnProperty.call(this.raw, 'id2label') ? this.raw.id2label : undefined;
    if (value == null) {
      const count = this.positiveInteger('num_labels', CONFIG_LIMITS.labels, 2);
      return Object.fromEntries(Array.from({ length: count }, (_, id) => [id, `LABEL_${id}`]));
    }
    this.check(typeof value === 'object' && !Array.isArray(value), 'id2label must be an object mapping ids to label strings');
    const entries = Object.entries(value as Record<string, unknown>);
    this.check(entries.length <= CONFIG_LIMITS.labels, `id2label has ${entries.length} labels, more than the ${CONFIG_LIMITS.labels} this app accepts`);
    const labels = entries.map(([id, label]) => [Number(id), label] as const);
    const ids = labels.map(([id]) => id).sort((a, b) => a - b);
    this.check(
      labels.length > 0 && labels.every(([, label]) => typeof label === 'string') && ids.every((id, i) => id === i),
      'id2label must map the ids 0..n-1 to label strings',
    );
    return Object.fromEntries(labels) as Record<number, string>;
  }

  private label2id(id2label: Record<number, string>): Record<string, number> {
    const value = Object.prototype.hasOwnProperty.call(this.raw, 'label2id') ? this.raw.label2id : undefined;
    if (value == null) return Object.fromEntries(Object.entries(id2label).map(([id, label]) => [label, Number(id)]));
    const entries = typeof value === 'object' && !Array.isArray(value) ? Object.entries(value as Record<string, unknown>) : [];
    this.check(
      entries.every(([label, id]) => Number.isInteger(id) && id2label[id as number] === label),
      'label2id does not match id2label',
    );
    return Object.fromEntries(entries) as Record<string, number>;
  }
}

/** A config value as a message shows it: JSON, shortened; a missing value is "nothing". */
export function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
