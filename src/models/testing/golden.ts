// Test support: read the torch reference's fixtures (test/fixtures) and compare arrays.
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { SafetensorsFile } from '../../weights/safetensors';

export const FIXTURES = join(__dirname, '../../../test/fixtures');
export const SHARED_REFERENCE = join(__dirname, '../../../../shared/data/hf-reference');
export const hasSharedReference = existsSync(SHARED_REFERENCE);

export interface GoldenCase {
  name: string;
  input_ids: number[];
  token_type_ids?: number[];
  attention_mask?: number[];
  logits: number[][];
  logits_full_row_index?: number;
  logits_full_row?: number[];
  logits_probe_columns: number[];
  logits_probe: number[][];
  last_hidden_state: number[][];
  attentions?: number[][][][]; // (L, H, T, T)
  pooler_output?: number[];
  /** The classification head's hidden vector after its activation (DistilBERT, RoBERTa). */
  classifier_hidden?: number[];
  /** RoBERTa: the position ids Hugging Face computed. */
  position_ids?: number[];
  loss?: number;
}

export interface Golden {
  model_type?: string;
  architecture?: string;
  cases: GoldenCase[];
  greedy?: { prompt_ids: number[]; generated_ids: number[] };
}

export function readCheckpoint(dir: string) {
  return {
    config: JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as unknown,
    weights: SafetensorsFile.parse(new Uint8Array(readFileSync(join(dir, 'model.safetensors')))),
  };
}

export function readGolden(path: string): Golden {
  return JSON.parse(readFileSync(path, 'utf8')) as Golden;
}

export { maxAbsDiff } from '../../common/numeric';

/** Columns `columns` of each row of a (rows, V) array, flattened. */
export function pickColumns(data: Float32Array, V: number, columns: readonly number[]): number[] {
  const rows = data.length / V;
  const picked: number[] = [];
  for (let r = 0; r < rows; r++) for (const c of columns) picked.push(data[r * V + c]);
  return picked;
}
