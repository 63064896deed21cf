import { useLayoutEffect, useMemo, useRef, type KeyboardEvent, type MouseEvent } from 'react';
import { useAppStore } from '../../../state/store';
import { shownMatrix, sourceMatrix } from '../../../attention/shown';
import type { AttentionSet, ShownMatrix } from '../../../attention/types';
import { recordDrawn, type HeatmapGrid } from '../../../state/drawnView';
import { useThemeColors } from '../useThemeColors';
import { useElementWidth } from '../useElementWidth';
import { drawHeatmap } from './drawHeatmap';
import { ColorLegend } from './ColorLegend';
import { useTokenLabels } from '../useTokenLabels';
import { kvHeadNote } from '../headNames';

function largestShown({ values, masked }: ShownMatrix): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (!masked[i] && values[i] > max) max = values[i];
  return max;
}

/** Query tokens as rows, key tokens as columns; the exact weight and token pair on hover (or arrow keys). */
export function Heatmap({ set }: { set: AttentionSet }) {
  const view = useAppStore((s) => s.attentionView);
  const generating = useAppStore((s) => s.attentionStatus === 'generating');
  const setView = useAppStore((s) => s.setAttentionView);
  const colors = useThemeColors();
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const scratch = useRef<HTMLCanvasElement>(document.createElement('canvas'));
  const overlay = useRef<HTMLCanvasElement>(null);
  const tooltip = useRef<HTMLDivElement>(null);
  const grid = useRef<HeatmapGrid>(undefined);
  const focusCell = useRef<[number, number]>([0, 0]);
  const width = useElementWidth(box);
  const labels = useTokenLabels(set);
  const { layer, head, reduction, filter, colormap, scale } = view;

  const source = useMemo(() => sourceMatrix(set, { layer, head, reduction }), [set, layer, head, reduction]);
  const shown = useMemo(() => shownMatrix(set, { layer, head, reduction }, filter, source), [set, layer, head, reduction, filter, source]);
  const scaleMax = scale === 'unit' ? 1 : largestShown(shown) || 1;

  useLayoutEffect(() => {
    if (!canvas.current) return;
    const outlineRow = generating ? set.T - 1 : undefined;
    grid.current = drawHeatmap(canvas.current, scratch.current, shown, { tokens: labels, special: set.special, colormap, scaleMax, colors, width, outlineRow, generatedFrom: set.generatedFrom });
    if (overlay.current) {
      overlay.current.width = canvas.current.width;
      overlay.current.height = canvas.current.height;
      overlay.current.style.width = canvas.current.style.width;
      overlay.current.style.height = canvas.current.style.height;
    }
    hideHover();
    recordDrawn({ set, state: view }, { view: 'heatmap', layer, head, reduction, T: set.T, rows: shown.rows, cols: shown.cols, colormap, scaleMax, grid: grid.current }, shown, () => canvas.current ?? undefined);
  }, [set, view, shown, labels, colormap, scaleMax, colors, width, generating, layer, head, reduction]);

  const showCell = (r: number, c: number) => {
    const g = grid.current;
    const tip = tooltip.current;
    const ctx = overlay.current?.getContext('2d');
    if (!g || !tip || !ctx || !overlay.current || shown.rows.length === 0 || shown.cols.length === 0) return;
    const K = shown.cols.length;
    const [row, col] = [shown.rows[r], shown.cols[c]];
    const weight = shown.values[r * K + c];
    const ratio = overlay.current.width / parseFloat(overlay.current.style.width || '1');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, overlay.current.width, overlay.current.height);
    ctx.strokeStyle = colors.fg;
    ctx.lineWidth = 1;
    ctx.strokeRect(g.left, g.top + r * g.cellHeight, K * g.cellWidth, g.cellHeight);
    ctx.strokeRect(g.left + c * g.cellWidth, g.top, g.cellWidth, shown.rows.length * g.cellHeight);
    ctx.lineWidth = 2;
    ctx.strokeRect(g.left + c * g.cellWidth - 1, g.top + r * g.cellHeight - 1, g.cellWidth + 2, g.cellHeight + 2);
    const masked = shown.masked[r * K + c] === 1;
    // The labels as shown, then the exact vocabulary pieces with their positions.
    const exact = `${JSON.stringify(set.tokens[row])} (${row}) → ${JSON.stringify(set.tokens[col])} (${col}): ${masked ? 'masked' : weight.toFixed(6)}`;
    const asShown = labels[row] === set.tokens[row] && labels[col] === set.tokens[col] ? '' : `${labels[row]} → ${labels[col]}\n`;
    tip.textContent = asShown + exact;
    Object.assign(tip.dataset, { row: String(row), col: String(col), weight: String(weight) });
    tip.style.left = `${g.left + (c + 1) * g.cellWidth + 8}px`;
    tip.style.top = `${g.top + r * g.cellHeight}px`;
    tip.hidden = false;
  };

  function hideHover() {
    if (tooltip.current) tooltip.current.hidden = true;
    const o = overlay.current;
    o?.getContext('2d')?.clearRect(0, 0, o.width, o.height);
  }

  const onMove = (event: MouseEvent<HTMLCanvasElement>) => {
    const g = grid.current;
    if (!g) return;
    const bounds = event.currentTarget.getBoundingClientRect();
    const c = Math.floor((event.clientX - bounds.left - g.left) / g.cellWidth);
    const r = Math.floor((event.clientY - bounds.top - g.top) / g.cellHeight);
    if (r < 0 || c < 0 || r >= shown.rows.length || c >= shown.cols.length) return hideHover();
    focusCell.current = [r, c];
    showCell(r, c);
  };

  const onKey = (event: KeyboardEvent<HTMLCanvasElement>) => {
    const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    if (event.key === 'PageUp' || event.key === 'PageDown') {
      event.preventDefault();
      setView({ head: (head + (event.key === 'PageDown' ? 1 : set.heads - 1)) % set.heads });
      return;
    }
    const move = moves[event.key];
    if (!move) return event.key === 'Escape' ? hideHover() : undefined;
    event.preventDefault();
    const [r, c] = focusCell.current;
    focusCell.current = [
      Math.max(0, Math.min(shown.rows.length - 1, r + move[0])),
      Math.max(0, Math.min(shown.cols.length - 1, c + move[1])),
    ];
    showCell(...focusCell.current);
  };

  const kv = kvHeadNote(set, head);
  const title = reduction === 'head' ? `layer ${layer}, head ${head}${kv ? ` (${kv})` : ''}` : reduction === 'rollout' ? `rollout through layer ${layer}` : `${reduction} over heads, layer ${layer}`;
  const generatedFrom = set.generatedFrom !== undefined && set.generatedFrom < set.T ? set.generatedFrom : undefined;
  return (
    <div className="attention-heatmap" ref={box}>
      <p className="attention-heatmap-title" data-testid="attention-heatmap-title">
        <strong>{title[0].toUpperCase() + title.slice(1)}</strong>
      </p>
      <p className="attention-axes muted" data-testid="attention-heatmap-axes">
        Rows: queries ↓ (the token that attends) · columns: keys → (the tokens it reads) · each row sums to 1
      </p>
      {generatedFrom !== undefined && (
        <p className="attention-generated" data-testid="attention-generated-note">
          <span className="attention-generated-swatch" aria-hidden="true" /> Tokens from #{generatedFrom} ({JSON.stringify(labels[generatedFrom])}) on were
          generated by the model: after the dashed line, labels in colour.
        </p>
      )}
      <ColorLegend colormap={colormap} max={scaleMax} causal={set.causal} />
      <div className="attention-canvas-stack">
        <canvas
          ref={canvas}
          tabIndex={0}
          role="img"
          aria-label={`Attention heatmap, ${title}: ${shown.rows.length} query rows by ${shown.cols.length} key columns. Arrow keys move between cells, Page Up and Page Down change head.`}
          data-testid="attention-heatmap"
          onMouseMove={onMove}
          onMouseLeave={hideHover}
          onKeyDown={onKey}
          onFocus={() => showCell(...focusCell.current)}
          onBlur={hideHover}
        />
        <canvas ref={overlay} className="attention-overlay" aria-hidden="true" />
        <div ref={tooltip} className="attention-tooltip" role="status" hidden data-testid="attention-tooltip" />
      </div>
    </div>
  );
}
