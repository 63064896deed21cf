// The head view: query tokens on the left, key tokens on the right, a line for each weight (opacity = weight, a
// colour per head). Lines are batched by head and opacity, so a frame is a few dozen strokes, not one per line.

import { headColor } from '../../../attention/colormaps';
import { truncateLabel } from '../../../attention/labels';
import type { ShownMatrix } from '../../../attention/types';
import type { ThemeColors } from '../useThemeColors';

export interface HeadViewFocus {
  side: 'query' | 'key';
  /** Position in the shown rows (query side) or columns (key side). */
  index: number;
}

export interface HeadViewLayout {
  rowHeight: number;
  labelWidth: number;
  labelChars: number;
  linesLeft: number;
  linesRight: number;
  top: number;
}

const ROW = 18;
const LABEL_WIDTH = 130;
/** Narrow screens: shorter labels and lines, so the picture fits a phone's width. */
const NARROW_LABEL_WIDTH = 84;
const LABEL_CHARS = 16;
const NARROW_LABEL_CHARS = 10;
const OPACITY_LEVELS = 16;
/** Lines fainter than this are left out when nothing is focused (512 tokens would be 262,144 lines per head). */
const FAINTEST = 0.02;

export function headViewLayout(width: number): HeadViewLayout {
  const narrow = width < 420;
  const labelWidth = narrow ? NARROW_LABEL_WIDTH : LABEL_WIDTH;
  const linesLeft = labelWidth + 6;
  const linesRight = Math.max(linesLeft + (narrow ? 60 : 120), width - labelWidth - 6);
  return { rowHeight: ROW, labelWidth, labelChars: narrow ? NARROW_LABEL_CHARS : LABEL_CHARS, linesLeft, linesRight, top: 4 };
}

interface Drawing {
  tokens: string[];
  heads: number[];
  shown: ShownMatrix[]; // one per entry of heads, same rows and columns
  focus?: HeadViewFocus;
  colors: ThemeColors;
  layout: HeadViewLayout;
}

export function drawHeadView(canvas: HTMLCanvasElement, { tokens, heads, shown, focus, colors, layout }: Drawing) {
  const rows = shown[0]?.rows ?? [];
  const cols = shown[0]?.cols ?? [];
  const cssWidth = layout.linesRight + 6 + layout.labelWidth;
  const cssHeight = layout.top * 2 + Math.max(rows.length, cols.length) * layout.rowHeight;
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.ceil(cssWidth * ratio);
  canvas.height = Math.ceil(cssHeight * ratio);
  canvas.style.width = `${cssWidth}px`;
  canvas.style.height = `${cssHeight}px`;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.fillStyle = colors.panel;
  ctx.fillRect(0, 0, cssWidth, cssHeight);
  const y = (index: number) => layout.top + (index + 0.5) * layout.rowHeight;
  ctx.lineWidth = 1.5;
  shown.forEach((matrix, slot) => {
    const buckets: [number, number][][] = Array.from({ length: OPACITY_LEVELS + 1 }, () => []);
    const K = cols.length;
    rows.forEach((_, r) => {
      if (focus?.side === 'query' && focus.index !== r) return;
      for (let c = 0; c < K; c++) {
        if (focus?.side === 'key' && focus.index !== c) continue;
        const weight = matrix.masked[r * K + c] ? 0 : matrix.values[r * K + c];
        if (weight < (focus ? 1 / OPACITY_LEVELS / 2 : FAINTEST)) continue;
        buckets[Math.min(OPACITY_LEVELS, Math.round(weight * OPACITY_LEVELS))].push([r, c]);
      }
    });
    ctx.strokeStyle = headColor(heads[slot], colors.panel);
    buckets.forEach((lines, level) => {
      if (lines.length === 0) return;
      ctx.globalAlpha = Math.max(level, 1) / OPACITY_LEVELS;
      ctx.beginPath();
      for (const [r, c] of lines) {
        ctx.moveTo(layout.linesLeft, y(r));
        ctx.lineTo(layout.linesRight, y(c));
      }
      ctx.stroke();
    });
  });
  ctx.globalAlpha = 1;
  ctx.font = '12px ui-monospace, Menlo, monospace';
  ctx.textBaseline = 'middle';
  const label = (token: number, index: number, side: HeadViewFocus['side']) => {
    const lit = focus?.side === side && focus.index === index;
    ctx.fillStyle = lit ? colors.accent : colors.fg;
    ctx.font = `${lit ? 'bold ' : ''}12px ui-monospace, Menlo, monospace`;
    ctx.fillText(truncateLabel(tokens[token], layout.labelChars), side === 'query' ? layout.labelWidth : layout.linesRight + 6, y(index));
  };
  ctx.textAlign = 'right';
  rows.forEach((token, r) => label(token, r, 'query'));
  ctx.textAlign = 'left';
  cols.forEach((token, c) => label(token, c, 'key'));
}
