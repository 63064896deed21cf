import { useEffect, useRef, type MouseEvent } from 'react';
import { divergingColor } from '../../../attention/colormaps';

interface Props {
  label: string;
  values: ArrayLike<number>; // (rows, cols) row-major
  rows: number;
  cols: number;
  /** The value drawn at full colour (default: the largest magnitude here), so strips can share one scale. */
  max?: number;
  /** The colour of 0: the panel's, so zeros never glare in dark mode. */
  zero: readonly number[];
  /** Names of the rows for the hover readout. */
  rowNames?: string[];
  /** Hide the label (a table row names the vector already). */
  bare?: boolean;
  testId?: string;
}

const CELL = 8;
const MAX_ROW_HEIGHT = 8;

/** A vector (or a matrix of vectors) as coloured cells, purple below 0 and orange above; the value on hover. */
export function VectorStrip({ label, values, rows, cols, max, zero, rowNames, bare, testId }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const readout = useRef<HTMLSpanElement>(null);
  const rowHeight = Math.max(1, Math.min(MAX_ROW_HEIGHT, 512 / rows));
  useEffect(() => {
    const ctx = canvas.current?.getContext('2d');
    if (!ctx) return;
    let scale = max ?? 0;
    if (max === undefined) for (let i = 0; i < values.length; i++) scale = Math.max(scale, Math.abs(values[i]));
    const image = new ImageData(cols, rows);
    for (let i = 0; i < rows * cols; i++) image.data.set([...divergingColor(values[i], scale, zero), 255], i * 4);
    const cells = document.createElement('canvas');
    cells.width = cols;
    cells.height = rows;
    cells.getContext('2d')?.putImageData(image, 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(cells, 0, 0, cols * CELL, rows * rowHeight);
  }, [values, rows, cols, rowHeight, max, zero]);

  const onMove = (event: MouseEvent<HTMLCanvasElement>) => {
    const bounds = event.currentTarget.getBoundingClientRect();
    const c = Math.floor(((event.clientX - bounds.left) / bounds.width) * cols);
    const r = Math.floor(((event.clientY - bounds.top) / bounds.height) * rows);
    if (!readout.current || c < 0 || r < 0 || c >= cols || r >= rows) return;
    const name = rowNames ? `${JSON.stringify(rowNames[r])} ` : '';
    readout.current.textContent = `${name}[${c}] = ${values[r * cols + c].toFixed(6)}`;
  };

  return (
    <div className={bare ? 'attention-vector bare' : 'attention-vector'}>
      {!bare && <span className="attention-vector-label">{label}</span>}
      <canvas
        ref={canvas}
        width={cols * CELL}
        height={rows * rowHeight}
        role="img"
        aria-label={`${label}: ${rows > 1 ? `${rows} vectors of ` : ''}${cols} numbers`}
        data-testid={testId}
        onMouseMove={onMove}
      />
      <span ref={readout} className="attention-vector-readout num" aria-live="polite" />
    </div>
  );
}
