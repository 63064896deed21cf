// Labelled data as a table of strings, from CSV (RFC 4180 quoting), TSV, JSONL or text pasted in either form.
// UCI's sentiment files are TSV without a header: `sentence<TAB>0|1`.

import Papa from 'papaparse';

export type TableFormat = 'csv' | 'tsv' | 'jsonl';

export interface Table {
  columns: string[];
  rows: string[][];
}

/** The format a file's name says, else the one its first line looks like. */
export function detectFormat(text: string, fileName?: string): TableFormat {
  const extension = fileName?.toLowerCase().match(/\.(csv|tsv|jsonl|ndjson|txt)$/)?.[1];
  if (extension === 'csv' || extension === 'tsv') return extension;
  if (extension === 'jsonl' || extension === 'ndjson') return 'jsonl';
  const firstLine = text.trimStart().split('\n', 1)[0] ?? '';
  if (firstLine.startsWith('{')) return 'jsonl';
  return firstLine.includes('\t') ? 'tsv' : 'csv';
}

export function parseTable(text: string, format: TableFormat, hasHeader?: boolean): Table {
  if (format === 'jsonl') return parseJsonl(text);
  const records = parseDelimited(text, format === 'tsv' ? '\t' : ',');
  const header = hasHeader ?? looksLikeHeader(records);
  const width = Math.max(0, ...records.map((record) => record.length));
  const columns = header ? padTo(records[0], width).map((name, i) => name.trim() || `column ${i + 1}`) : Array.from({ length: width }, (_, i) => `column ${i + 1}`);
  const rows = (header ? records.slice(1) : records).map((record) => padTo(record, width));
  return { columns, rows };
}

/** Tables wider than this are not labelled text (a stray delimiter repeated, a binary file): refused by name. */
export const MAX_COLUMNS = 1000;

/**
 * RFC 4180 (papaparse): fields separated by `delimiter`, records by CRLF or LF; quoted fields may hold line breaks
 * (read as LF) and "" for a quote; blank lines are skipped, a byte-order mark dropped. A quote opened and never closed
 * is an error naming its line (papaparse alone would read the rest of the file into that field).
 */
export function parseDelimited(text: string, delimiter: string): string[][] {
  // One line ending throughout (papaparse picks one per file; files mixing CRLF and LF exist).
  const lines = text.replace(/\r\n?/g, '\n');
  const { data, errors } = Papa.parse<string[]>(lines, { delimiter, quoteChar: '"', escapeChar: '"', newline: '\n', skipEmptyLines: true });
  const quoteError = errors.find((error) => error.type === 'Quotes');
  if (quoteError) {
    const line = lineAt(lines, quoteError.index ?? 0);
    const problem =
      quoteError.code === 'MissingQuotes'
        ? 'a quoted field starts here and its closing quote never comes (the rest of the file would become one cell)'
        : 'a quoted field has text right after its closing quote';
    throw new Error(`Line ${line}: ${problem}. Close the quote (a quote inside a quoted field is written "") or remove it.`);
  }
  const width = data.reduce((max, record) => Math.max(max, record.length), 0);
  if (width > MAX_COLUMNS) {
    const row = data.findIndex((record) => record.length === width);
    throw new Error(`Record ${row + 1} has ${width.toLocaleString('en-US')} ${delimiter === '\t' ? 'tab' : 'comma'}-separated fields; a table may have at most ${MAX_COLUMNS}. Is the format right?`);
  }
  return data;
}

/** The 1-based line of a character index. */
function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function parseJsonl(text: string): Table {
  const objects = text
    .split('\n')
    .map((line, index) => ({ line: line.trim(), index }))
    .filter(({ line }) => line !== '')
    .map(({ line, index }) => {
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch {
        throw new Error(`Line ${index + 1} is not valid JSON: ${line.slice(0, 60)}`);
      }
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`Line ${index + 1} is not a JSON object.`);
      return value as Record<string, unknown>;
    });
  const columns = [...new Set(objects.flatMap((object) => Object.keys(object)))];
  if (columns.length > MAX_COLUMNS) throw new Error(`The JSONL objects have ${columns.length.toLocaleString('en-US')} distinct keys; a table may have at most ${MAX_COLUMNS} columns.`);
  const cell = (value: unknown) => (value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value));
  return { columns, rows: objects.map((object) => columns.map((column) => cell(object[column]))) };
}

/**
 * A first record is a header when none of its cells is a number and none of its values recurs in its column below
 * (a headerless file's first label, "positive" or "0", usually does).
 */
function looksLikeHeader(records: string[][]): boolean {
  if (records.length < 2) return false;
  const [first, ...rest] = records;
  return first.every((cell, column) => !isNumeric(cell) && !rest.some((record) => record[column] === cell));
}

export function isNumeric(cell: string): boolean {
  return cell.trim() !== '' && Number.isFinite(Number(cell));
}

function padTo(record: string[], width: number): string[] {
  return record.length >= width ? record : [...record, ...Array<string>(width - record.length).fill('')];
}
