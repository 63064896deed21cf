// The attention tensor as JSON: `attentions` nested (L, H, T, T). Numbers carry 9 significant digits, which
// round-trips every float32 exactly. Written in parts so a 512-token, 144-head tensor never becomes one string.

import type { AttentionSet } from './types';

export const ATTENTION_JSON_FORMAT = 'transformer-playground/attention@1';

export interface AttentionJson {
  format: typeof ATTENTION_JSON_FORMAT;
  model?: string;
  tokens: string[];
  ids?: number[];
  special: boolean[];
  typeIds?: number[];
  causal: boolean;
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
  const { tokens, ids, special, typeIds, causal, layers, heads, T } = set;
  const header = { format: ATTENTION_JSON_FORMAT, model, tokens, ids, special, typeIds, causal, shape: [layers, heads, T, T] };
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

/** Reads attention JSON back into a set; throws with a plain sentence when it is not one. */
export function attentionFromJson(value: unknown): AttentionSet {
  const json = value as Partial<AttentionJson>;
  if (json?.format !== ATTENTION_JSON_FORMAT) throw new Error(`Not an attention export: "format" should be ${ATTENTION_JSON_FORMAT}.`);
  const { shape, attentions: nested, tokens } = json;
  if (!shape || !nested || !tokens || nested.length !== shape[0] || tokens.length !== shape[2]) {
    throw new Error('The attention export is incomplete: its shape, tokens and attentions disagree.');
  }
  const [layers, heads, T] = shape;
  const attentions = nested.map((layer) => {
    const block = new Float32Array(heads * T * T);
    layer.forEach((head, h) => head.forEach((row, i) => block.set(row, (h * T + i) * T)));
    return block;
  });
  const { ids, typeIds, causal = false } = json;
  return { tokens, ids, typeIds, causal, special: json.special ?? tokens.map(() => false), layers, heads, T, attentions };
}
