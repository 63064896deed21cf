// A table plus a column mapping -> labelled examples with label ids, and a seeded train/validation split.

import { Rng } from '../../common/random';
import { isNumeric, type Table } from './parseTable';

export interface ColumnMapping {
  /** One text column, or two for sentence pairs (token types 0 then 1). */
  textColumns: [number] | [number, number];
  labelColumn: number;
}

export interface Example {
  text: string;
  pair?: string;
  label: number; // index into the label list
}

export interface LabelledData {
  examples: Example[];
  /** Label names by id: the distinct labels sorted (numerically when all are numbers). */
  labels: string[];
  /** Rows left out because their text or label was empty. */
  skipped: number;
}

/** The likely mapping: the last column with few distinct values is the label, the longest other column the text. */
export function guessMapping(table: Table): ColumnMapping {
  const sample = table.rows.slice(0, 200);
  const distinct = table.columns.map((_, c) => new Set(sample.map((row) => row[c])).size);
  const averageLength = table.columns.map((_, c) => sample.reduce((sum, row) => sum + row[c].length, 0) / Math.max(sample.length, 1));
  const named = table.columns.findIndex((name) => /^(label|labels|class|target|sentiment|y)$/i.test(name));
  let labelColumn = named;
  if (labelColumn < 0) {
    labelColumn = table.columns.length - 1;
    for (let c = table.columns.length - 1; c >= 0; c--) {
      if (distinct[c] <= Math.max(2, sample.length / 4)) {
        labelColumn = c;
        break;
      }
    }
  }
  const textColumn = averageLength.reduce((best, length, c) => (c !== labelColumn && (best < 0 || length > averageLength[best]) ? c : best), -1);
  return { textColumns: [Math.max(textColumn, 0)], labelColumn };
}

export function toExamples(table: Table, mapping: ColumnMapping): LabelledData {
  const { textColumns, labelColumn } = mapping;
  if (!Array.isArray(textColumns) || textColumns.length < 1 || textColumns.length > 2) {
    throw new Error('The mapping needs textColumns: one column index, or two for sentence pairs (e.g. [0] or [0, 1]).');
  }
  for (const column of [...textColumns, labelColumn]) {
    if (!Number.isInteger(column)) throw new Error(`Column ${JSON.stringify(column)} is not a column index: columns are numbered from 0.`);
    if (column < 0 || column >= table.columns.length) throw new Error(`Column ${column + 1} does not exist; the data has ${table.columns.length}.`);
  }
  if (textColumns.includes(labelColumn)) throw new Error(`Column ${labelColumn + 1} cannot be both a text and the label.`);
  const usable = table.rows.filter((row) => row[labelColumn].trim() !== '' && textColumns.every((c) => row[c].trim() !== ''));
  const labels = sortLabels([...new Set(usable.map((row) => row[labelColumn].trim()))]);
  const id = new Map(labels.map((label, i) => [label, i]));
  const examples = usable.map((row): Example => {
    const example: Example = { text: row[textColumns[0]], label: id.get(row[labelColumn].trim())! };
    if (textColumns[1] !== undefined) example.pair = row[textColumns[1]];
    return example;
  });
  return { examples, labels, skipped: table.rows.length - usable.length };
}

/** One labelled example as `playground.fineTune` takes it in an array. */
export interface LabelledRow {
  text: string;
  pair?: string;
  label: string;
}

/** Rows -> examples exactly as a table with those columns would give (labels sorted, numerically when numbers). */
export function examplesFromRows(rows: readonly LabelledRow[]): LabelledData {
  const pairs = rows.some((row) => row.pair !== undefined);
  const table: Table = {
    columns: pairs ? ['text', 'pair', 'label'] : ['text', 'label'],
    rows: rows.map((row) => (pairs ? [row.text, row.pair ?? '', row.label] : [row.text, row.label])),
  };
  return toExamples(table, pairs ? { textColumns: [0, 1], labelColumn: 2 } : { textColumns: [0], labelColumn: 1 });
}

function sortLabels(labels: string[]): string[] {
  if (labels.every(isNumeric)) return labels.sort((a, b) => Number(a) - Number(b));
  return labels.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** A seeded shuffle, then the last `validationFraction` (at least one example when there are two or more) held out. */
export function splitTrainValidation<T>(items: readonly T[], validationFraction: number, seed: number): { train: T[]; validation: T[] } {
  const order = new Rng(seed).permutation(items.length);
  const shuffled = Array.from(order, (i) => items[i]);
  const held = items.length < 2 ? 0 : Math.min(items.length - 1, Math.max(1, Math.round(items.length * validationFraction)));
  return { train: shuffled.slice(0, items.length - held), validation: shuffled.slice(items.length - held) };
}
