import { useEffect, useRef, type KeyboardEvent, type MouseEvent } from 'react';
import { colormapTable, divergingColor } from '../../attention/colormaps';
import { useElementWidth } from '../Attention/useElementWidth';

interface Props {
  /** (rows, cols) row-major; -Infinity marks a masked cell (drawn grey, read as "masked"). */
  values: Float32Array;
  rows: number;
  cols: number;
  /** 'signed': white at 0, purple below, orange above (vectors); 'unit': viridis from 0 to the largest value (weights). */
  scale: 'signed' | 'unit';
  /** What the picture is, for screen readers and the caption. */
  label: string;
  /** The readout of a cell: which row and column it is, in words. */
  describe: (row: number, col: number) => string;
  /** A row to outline (the chosen token). */
  highlightRow?: number;
  /** Largest CSS width and height the picture may take. */
  maxWidth?: number;
  maxHeight?: number;
  testId?: string;
}

const MAX_CELL = 14;
const MASKED: [number, number, number] = [200, 204, 212];

/** divergingColor at 255 steps each side of 0, (511, 3): entry 255 + k is the colour of k / 255 of the scale. */
const DIVERGING = Uint8Array.from({ length: 511 * 3 }, (_, i) => divergingColor(Math.floor(i / 3) - 255, 255)[i % 3]);

/**
 * A matrix as coloured cells on one canvas (one image pixel per cell, scaled without smoothing). Hovering or moving
 * with the arrow keys writes the cell's exact value into the readout; nothing of it goes through React state.
 */
export function MatrixCanvas({ values, rows, cols, scale, label, describe, highlightRow, maxWidth = 760, maxHeight = 360, testId }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const readout = useRef<HTMLOutputElement>(null);
  const cursor = useRef<HTMLDivElement>(null);
  const at = useRef({ row: 0, col: 0 });
  const figure = useRef<HTMLElement>(null);
  // The picture fits the space it has (a phone's width too): cells narrow down to one pixel, then it is cut.
  const available = Math.min(maxWidth, useElementWidth(figure, maxWidth));
  const cellWidth = Math.max(1, Math.min(MAX_CELL, Math.floor(available / cols)));
  const cellHeight = Math.max(1, Math.min(MAX_CELL, Math.floor(maxHeight / rows)));

  useEffect(() => {
    const element = canvas.current;
    const ctx = element?.getContext('2d');
    if (!element || !ctx) return;
    let max = 0;
    for (let i = 0; i < values.length; i++) {
      const value = values[i];
      if (Number.isFinite(value)) max = Math.max(max, scale === 'unit' ? value : Math.abs(value));
    }
    const image = new ImageData(cols, rows);
    const pixels = image.data;
    // Lookup tables, no allocation per cell: a (128, 50257) logits picture is 6.4 million cells.
    const table = scale === 'signed' ? DIVERGING : colormapTable('viridis');
    const zero = scale === 'signed' ? 255 : 0;
    const step = max > 0 ? 255 / max : 0;
    for (let i = 0; i < rows * cols; i++) {
      const value = values[i];
      if (value === -Infinity) {
        pixels.set(MASKED, i * 4);
      } else {
        const k = (zero + Math.round(Math.max(-zero, Math.min(255, value * step)))) * 3;
        pixels[i * 4] = table[k];
        pixels[i * 4 + 1] = table[k + 1];
        pixels[i * 4 + 2] = table[k + 2];
      }
      pixels[i * 4 + 3] = 255;
    }
    element.width = cols;
    element.height = rows;
    ctx.putImageData(image, 0, 0);
  }, [values, rows, cols, scale]);

  const show = (row: number, col: number) => {
    at.current = { row, col };
    const value = values[row * cols + col];
    if (readout.current) readout.current.textContent = `${describe(row, col)}: ${value === -Infinity ? 'masked (−∞)' : value.toPrecision(7)}`;
    if (cursor.current) {
      cursor.current.style.display = 'block';
      cursor.current.style.transform = `translate(${col * cellWidth}px, ${row * cellHeight}px)`;
    }
  };
  const onMove = (event: MouseEvent<HTMLCanvasElement>) => {
    const bounds = event.currentTarget.getBoundingClientRect();
    const col = Math.floor((event.clientX - bounds.left) / cellWidth);
    const row = Math.floor((event.clientY - bounds.top) / cellHeight);
    if (row >= 0 && col >= 0 && row < rows && col < cols) show(row, col);
  };
  const onKey = (event: KeyboardEvent<HTMLCanvasElement>) => {
    const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    event.stopPropagation(); // the stage list's arrow keys stay with the list
    const { row, col } = at.current;
    show(Math.max(0, Math.min(rows - 1, row + move[0])), Math.max(0, Math.min(cols - 1, col + move[1])));
  };

  return (
    <figure ref={figure} className="hiw-matrix">
      <div className="hiw-matrix-stack" style={{ width: cols * cellWidth, height: rows * cellHeight }}>
        <canvas
          ref={canvas}
          style={{ width: cols * cellWidth, height: rows * cellHeight }}
          tabIndex={0}
          role="img"
          aria-label={`${label} (${rows} × ${cols}); arrow keys read the numbers`}
          data-testid={testId}
          data-rows={rows}
          data-cols={cols}
          onMouseMove={onMove}
          onFocus={() => show(at.current.row, at.current.col)}
          onKeyDown={onKey}
        />
        {highlightRow !== undefined && (
          <div className="hiw-matrix-row" style={{ top: highlightRow * cellHeight, height: Math.max(cellHeight, 2), width: cols * cellWidth }} />
        )}
        <div ref={cursor} className="hiw-matrix-cursor" style={{ width: cellWidth, height: cellHeight }} />
      </div>
      <figcaption>
        {label} <output ref={readout} className="hiw-readout" aria-live="polite" />
      </figcaption>
    </figure>
  );
}
