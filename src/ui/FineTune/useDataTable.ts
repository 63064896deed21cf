import { useMemo, useState } from 'react';
import { guessMapping, toExamples, type ColumnMapping, type LabelledData } from '../../finetune/data/examples';
import { detectFormat, parseTable, type Table, type TableFormat } from '../../finetune/data/parseTable';

export interface DataTableState {
  text: string;
  fileName?: string;
  format: TableFormat;
  hasHeader?: boolean;
  table?: Table;
  mapping?: ColumnMapping;
  labelled?: LabelledData;
  error?: string;
  setText: (text: string, fileName?: string) => void;
  setFormat: (format: TableFormat) => void;
  setHasHeader: (hasHeader: boolean) => void;
  setMapping: (mapping: ColumnMapping) => void;
}

/** Pasted or uploaded text -> a table -> labelled examples (when `asTable`), re-derived when the text or a choice changes. */
export function useDataTable(asTable: boolean): DataTableState {
  const [text, setRawText] = useState('');
  const [fileName, setFileName] = useState<string>();
  const [format, setFormat] = useState<TableFormat>('tsv');
  const [hasHeader, setHasHeader] = useState<boolean>();
  const [chosenMapping, setMapping] = useState<ColumnMapping>();
  const derived = useMemo(() => {
    if (!asTable || !text.trim()) return {};
    try {
      const table = parseTable(text, format, hasHeader);
      const mapping = chosenMapping ?? guessMapping(table);
      return { table, mapping, labelled: toExamples(table, mapping) };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }, [asTable, text, format, hasHeader, chosenMapping]);
  return {
    text,
    fileName,
    format,
    hasHeader,
    ...derived,
    setText: (next, name) => {
      setRawText(next);
      setFileName(name);
      setFormat(detectFormat(next, name));
      setHasHeader(undefined);
      setMapping(undefined);
    },
    setFormat,
    setHasHeader,
    setMapping,
  };
}
