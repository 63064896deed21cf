// What the automation API accepts as data -> what a run trains on: a table file or text for classification
// (format detected, columns guessed unless mapped), plain text for causal language modelling.

import { guessMapping, toExamples, type ColumnMapping } from './data/examples';
import { detectFormat, parseTable, type TableFormat } from './data/parseTable';
import type { Task } from './hyperparameters';
import type { RunData } from './runStore';

export type DataSource = string | Blob;

export interface DataOptions {
  format?: TableFormat;
  hasHeader?: boolean;
  mapping?: ColumnMapping;
}

export async function runDataFrom(task: Task, source: DataSource, options: DataOptions = {}): Promise<RunData> {
  const text = typeof source === 'string' ? source : await source.text();
  if (task === 'causal-lm') return { task, text };
  const fileName = source instanceof File ? source.name : undefined;
  const table = parseTable(text, options.format ?? detectFormat(text, fileName), options.hasHeader);
  const { examples, labels } = toExamples(table, options.mapping ?? guessMapping(table));
  return { task, examples, labels };
}
