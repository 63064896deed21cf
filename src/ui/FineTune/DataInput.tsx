import type { DragEvent } from 'react';
import type { Task } from '../../finetune/hyperparameters';
import type { TableFormat } from '../../finetune/data/parseTable';
import type { DataTableState } from './useDataTable';

const PREVIEW_ROWS = 5;

/** Upload, drop or paste the data; for classification, a preview with the column and label mapping. */
export function DataInput({ task, data }: { task: Task; data: DataTableState }) {
  const readFile = async (file: File | undefined) => file && data.setText(await file.text(), file.name);
  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    void readFile(event.dataTransfer.files[0]);
  };
  return (
    <section className="ft-data" onDragOver={(event) => event.preventDefault()} onDrop={onDrop}>
      <h3 className="section-title">Data</h3>
      <div className="inline-form">
        <label>
          {task === 'classification' ? 'A CSV, TSV or JSONL file' : 'A text file'}{' '}
          <input type="file" accept=".csv,.tsv,.txt,.jsonl,.ndjson" data-testid="ft-file" onChange={(event) => void readFile(event.target.files?.[0])} />
        </label>
        <span className="muted">or drop it here, or paste below</span>
      </div>
      <label htmlFor="ft-paste" className="visually-hidden">
        {task === 'classification' ? 'Paste the labelled data' : 'Paste the text to train on'}
      </label>
      <textarea
        id="ft-paste"
        rows={5}
        value={data.text.length > 200_000 ? `${data.text.slice(0, 2000)}…` : data.text}
        readOnly={data.text.length > 200_000}
        placeholder={task === 'classification' ? 'sentence<TAB>label, one per line (UCI format), CSV with a header, or JSONL' : 'Plain text for the model to learn to continue'}
        onChange={(event) => data.setText(event.target.value)}
        data-testid="ft-paste"
      />
      {task === 'classification' && <TablePreview data={data} />}
      {data.fileName && <p className="muted">{data.fileName}: {data.text.length.toLocaleString()} characters</p>}
      {data.error && <p className="error" role="alert">{data.error}</p>}
    </section>
  );
}

function TablePreview({ data }: { data: DataTableState }) {
  const { table, mapping, labelled } = data;
  if (!table || !mapping) return null;
  const options = table.columns.map((name, i) => <option key={i} value={i}>{name}</option>);
  const [textColumn, pairColumn] = mapping.textColumns;
  return (
    <div className="ft-mapping">
      <div className="inline-form">
        <label>Format <select value={data.format} onChange={(event) => data.setFormat(event.target.value as TableFormat)}>
          <option value="csv">CSV</option><option value="tsv">TSV</option><option value="jsonl">JSONL</option>
        </select></label>
        {data.format !== 'jsonl' && (
          <label><input type="checkbox" checked={table.columns[0] !== 'column 1'} onChange={(event) => data.setHasHeader(event.target.checked)} /> first row is a header</label>
        )}
        <label>Text <select value={textColumn} onChange={(event) => data.setMapping({ ...mapping, textColumns: pairColumn === undefined ? [Number(event.target.value)] : [Number(event.target.value), pairColumn] })}>{options}</select></label>
        <label>Second text <select value={pairColumn ?? -1} onChange={(event) => data.setMapping({ ...mapping, textColumns: Number(event.target.value) < 0 ? [textColumn] : [textColumn, Number(event.target.value)] })}>
          <option value={-1}>none</option>{options}
        </select></label>
        <label>Label <select value={mapping.labelColumn} onChange={(event) => data.setMapping({ ...mapping, labelColumn: Number(event.target.value) })}>{options}</select></label>
      </div>
      {labelled && (
        <p className="muted" data-testid="ft-data-summary">
          {labelled.examples.length} examples, {labelled.labels.length} labels: {labelled.labels.map((label, id) => `${id} = ${label}`).join(', ')}
          {labelled.skipped > 0 && `; ${labelled.skipped} rows skipped (empty text or label)`}
        </p>
      )}
      <table className="ft-preview" data-testid="ft-preview">
        <thead><tr>{table.columns.map((name, i) => <th key={i}>{name}</th>)}</tr></thead>
        <tbody>
          {table.rows.slice(0, PREVIEW_ROWS).map((row, r) => <tr key={r}>{row.map((cell, c) => <td key={c}>{cell}</td>)}</tr>)}
        </tbody>
      </table>
    </div>
  );
}
