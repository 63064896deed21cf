// Draws a shown matrix on a canvas: one image pixel per cell, scaled up without smoothing (no element per cell),
// the causal mask as stripes under transparent cells, token labels on both axes (thinned out when cells are small).

import { colormapTable, colorIndex, type ColormapName } from '../../../attention/colormaps';
import { labelStep, truncateLabel } from '../../../attention/labels';
import type { ShownMatrix } from '../../../attention/types';
import type { ThemeColors } from '../useThemeColors';
import type { HeatmapGrid } from '../../../state/drawnView';

export interface HeatmapStyle {
  /** Labels of every token (decoded or raw). */
  tokens: string[];
  special: boolean[];
  colormap: ColormapName;
  scaleMax: number;
  colors: ThemeColors;
  /** CSS pixels available for the whole canvas. */
  width: number;
  /** Token index of a row to outline (the newest generated token). */
  outlineRow?: number;
  /** Tokens from this index on were generated: a dashed line before them, their labels in the accent colour. */
  generatedFrom?: number;
}

const LABEL_CHARS = 12;
const LABEL_FONT = '11px ui-monospace, Menlo, monospace';
const LINE = 13;
const MAX_CELL = 32;
const MARGIN = 96;

/** The cells' image: (rows, cols) RGBA, masked cells transparent. Reuses `into` when it has the right size. */
export function cellImage(shown: ShownMatrix, colormap: ColormapName, scaleMax: number, into?: ImageData): ImageData {
  const R = shown.rows.length;
  const K = shown.cols.length;
  const image = into && into.width === K && into.height === R ? into : new ImageData(Math.max(K, 1), Math.max(R, 1));
  const table = colormapTable(colormap);
  const pixels = image.data;
  const { values, masked } = shown;
  for (let i = 0; i < R * K; i++) {
    const k = colorIndex(values[i], scaleMax) * 3;
    pixels[i * 4] = table[k];
    pixels[i * 4 + 1] = table[k + 1];
    pixels[i * 4 + 2] = table[k + 2];
    pixels[i * 4 + 3] = masked[i] ? 0 : 255;
  }
  return image;
}

export function heatmapGrid(shown: ShownMatrix, width: number): HeatmapGrid {
  const count = Math.max(shown.rows.length, shown.cols.length, 1);
  const cell = Math.min(MAX_CELL, (width - MARGIN - 8) / count);
  return { left: MARGIN, top: MARGIN, cellWidth: cell, cellHeight: cell };
}

/** Sets a canvas's size only when it changes: assigning width or height reallocates and clears it. */
function resize(canvas: HTMLCanvasElement, width: number, height: number) {
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
}

function stripes(ctx: CanvasRenderingContext2D, color: string): CanvasPattern | string {
  const tile = document.createElement('canvas');
  tile.width = tile.height = 6;
  const t = tile.getContext('2d');
  if (!t) return color;
  t.strokeStyle = color;
  t.lineWidth = 1.5;
  t.beginPath();
  t.moveTo(0, 6);
  t.lineTo(6, 0);
  t.stroke();
  return ctx.createPattern(tile, 'repeat') ?? color;
}

/** Draws and returns the grid (geometry of the cells). `scratch` is a canvas reused for the cells' image. */
export function drawHeatmap(canvas: HTMLCanvasElement, scratch: HTMLCanvasElement, shown: ShownMatrix, style: HeatmapStyle): HeatmapGrid {
  const grid = heatmapGrid(shown, style.width);
  const R = shown.rows.length;
  const K = shown.cols.length;
  const cssWidth = grid.left + K * grid.cellWidth + 8;
  const cssHeight = grid.top + R * grid.cellHeight + 8;
  const ratio = window.devicePixelRatio || 1;
  resize(canvas, Math.ceil(cssWidth * ratio), Math.ceil(cssHeight * ratio));
  canvas.style.width = `${cssWidth}px`;
  canvas.style.height = `${cssHeight}px`;
  const ctx = canvas.getContext('2d');
  if (!ctx) return grid;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.fillStyle = style.colors.panel;
  ctx.fillRect(0, 0, cssWidth, cssHeight);
  const matrixWidth = K * grid.cellWidth;
  const matrixHeight = R * grid.cellHeight;
  if (shown.masked.includes(1)) {
    ctx.fillStyle = stripes(ctx, style.colors.mask);
    ctx.fillRect(grid.left, grid.top, matrixWidth, matrixHeight);
  }
  resize(scratch, Math.max(K, 1), Math.max(R, 1));
  const scratchCtx = scratch.getContext('2d');
  if (scratchCtx && R > 0 && K > 0) {
    scratchCtx.putImageData(cellImage(shown, style.colormap, style.scaleMax), 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(scratch, grid.left, grid.top, matrixWidth, matrixHeight);
  }
  drawLabels(ctx, shown, grid, style);
  if (style.generatedFrom !== undefined) drawGeneratedLine(ctx, shown, grid, style.generatedFrom, style.colors.accent);
  if (style.outlineRow !== undefined) {
    const r = shown.rows.indexOf(style.outlineRow);
    if (r >= 0) {
      ctx.strokeStyle = style.colors.accent;
      ctx.lineWidth = 2;
      ctx.strokeRect(grid.left - 1, grid.top + r * grid.cellHeight - 1, matrixWidth + 2, grid.cellHeight + 2);
    }
  }
  return grid;
}

/** A dashed line across the matrix before the first generated row, and down it before the first generated column. */
function drawGeneratedLine(ctx: CanvasRenderingContext2D, shown: ShownMatrix, grid: HeatmapGrid, from: number, color: string) {
  const r = shown.rows.findIndex((token) => token >= from);
  const c = shown.cols.findIndex((token) => token >= from);
  ctx.save();
  ctx.strokeStyle = color;
  ctx.lineWidth = 2;
  ctx.setLineDash([5, 3]);
  ctx.beginPath();
  if (r >= 0) {
    const y = grid.top + r * grid.cellHeight;
    ctx.moveTo(grid.left - 4, y);
    ctx.lineTo(grid.left + shown.cols.length * grid.cellWidth + 4, y);
  }
  if (c >= 0) {
    const x = grid.left + c * grid.cellWidth;
    ctx.moveTo(x, grid.top - 4);
    ctx.lineTo(x, grid.top + shown.rows.length * grid.cellHeight + 4);
  }
  ctx.stroke();
  ctx.restore();
}

function drawLabels(ctx: CanvasRenderingContext2D, shown: ShownMatrix, grid: HeatmapGrid, style: HeatmapStyle) {
  const step = labelStep(grid.cellWidth, LINE);
  ctx.font = LABEL_FONT;
  ctx.textBaseline = 'middle';
  const generated = (token: number) => style.generatedFrom !== undefined && token >= style.generatedFrom;
  const colorOf = (token: number) => (style.special[token] ? style.colors.muted : generated(token) ? style.colors.accent : style.colors.fg);
  ctx.textAlign = 'right';
  shown.rows.forEach((token, r) => {
    if (r % step !== 0) return;
    ctx.fillStyle = colorOf(token);
    ctx.fillText(truncateLabel(style.tokens[token], LABEL_CHARS), grid.left - 4, grid.top + (r + 0.5) * grid.cellHeight);
  });
  ctx.textAlign = 'left';
  shown.cols.forEach((token, c) => {
    if (c % step !== 0) return;
    ctx.save();
    ctx.translate(grid.left + (c + 0.5) * grid.cellWidth, grid.top - 4);
    ctx.rotate(-Math.PI / 2);
    ctx.fillStyle = colorOf(token);
    ctx.fillText(truncateLabel(style.tokens[token], LABEL_CHARS), 0, 0);
    ctx.restore();
  });
}
