// Labelled data as a table of strings, from CSV (RFC 4180 quoting), TSV, JSONL or text pasted in either form.
// UCI's sentiment files are TSV without a header: `sentence<TAB>0|1`.

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

/** RFC 4180: fields separated by `delimiter`, records by CRLF or LF; quoted fields may hold both and "" for a quote. */
export function parseDelimited(text: string, delimiter: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = () => {
    record.push(field);
    if (record.length > 1 || record[0] !== '') records.push(record);
    record = [];
    field = '';
  };
  for (; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char !== '"') field += char;
      else if (text[i + 1] === '"') (field += '"'), i++;
      else quoted = false;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === delimiter) record.push(field), (field = '');
    else if (char === '\n') endRecord();
    else if (char !== '\r' || text[i + 1] !== '\n') field += char;
  }
  if (field !== '' || record.length > 0) endRecord();
  return records;
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
