import { useLayoutEffect, useMemo, useRef, type KeyboardEvent, type MouseEvent } from 'react';
import { useAppStore } from '../../../state/store';
import { shownMatrix } from '../../../attention/shown';
import { headColor } from '../../../attention/colormaps';
import type { AttentionSet, ShownMatrix } from '../../../attention/types';
import { recordDrawn } from '../../../state/drawnView';
import { useThemeColors } from '../useThemeColors';
import { useElementWidth } from '../useElementWidth';
import { drawHeadView, headViewLayout, type HeadViewFocus } from './drawHeadView';
import { useTokenLabels } from '../useTokenLabels';
import { kvHeadNote } from '../headNames';

/** The strongest `count` weights of a focused token, per head, as text. */
function describeFocus(set: AttentionSet, labels: string[], heads: number[], shown: ShownMatrix[], focus: HeadViewFocus, count = 3): string {
  const K = shown[0].cols.length;
  const lines = shown.map((matrix, slot) => {
    const pairs = focus.side === 'query'
      ? matrix.cols.map((token, c) => [token, matrix.values[focus.index * K + c]] as const)
      : matrix.rows.map((token, r) => [token, matrix.values[r * K + focus.index]] as const);
    const top = pairs.filter(([, w]) => w > 0).sort((a, b) => b[1] - a[1]).slice(0, count);
    const kv = kvHeadNote(set, heads[slot]);
    return `head ${heads[slot]}${kv ? ` (${kv})` : ''}: ${top.map(([token, w]) => `${JSON.stringify(labels[token])} ${w.toFixed(3)}`).join(', ')}`;
  });
  const token = focus.side === 'query' ? shown[0].rows[focus.index] : shown[0].cols[focus.index];
  const verb = focus.side === 'query' ? 'attends to' : 'is attended by';
  return `${JSON.stringify(labels[token])} (${token}) ${verb} — ${lines.join('; ')}`;
}

/** Lines from each query token to the keys it attends to, for the chosen heads of one layer. */
export function HeadView({ set }: { set: AttentionSet }) {
  const view = useAppStore((s) => s.attentionView);
  const setView = useAppStore((s) => s.setAttentionView);
  const colors = useThemeColors();
  const box = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const readout = useRef<HTMLParagraphElement>(null);
  const focus = useRef<HeadViewFocus | undefined>(undefined);
  const width = useElementWidth(box);
  const labels = useTokenLabels(set);
  const { layer, lineHeads, filter, colormap } = view;
  const layout = headViewLayout(Math.min(width, 760));

  const shown = useMemo(
    () => lineHeads.map((head) => shownMatrix(set, { layer, head, reduction: 'head' }, filter)),
    [set, layer, lineHeads, filter],
  );

  const draw = () => {
    if (!canvas.current) return;
    drawHeadView(canvas.current, { tokens: labels, heads: lineHeads, shown, focus: focus.current, colors, layout });
    if (readout.current) readout.current.textContent = focus.current ? describeFocus(set, labels, lineHeads, shown, focus.current) : 'Hover a token (or focus the picture and use the arrow keys) to see where it attends and what attends to it.';
  };

  useLayoutEffect(() => {
    focus.current = undefined;
    draw();
    recordDrawn(
      { set, state: view },
      { view: 'head', layer, head: view.head, reduction: 'head', T: set.T, rows: shown[0]?.rows ?? [], cols: shown[0]?.cols ?? [], heads: lineHeads, colormap, scaleMax: 1 },
      undefined,
      () => canvas.current ?? undefined,
    );
  }, [set, view, shown, labels, colors, width]);

  const setFocus = (next: HeadViewFocus | undefined) => {
    if (next?.side === focus.current?.side && next?.index === focus.current?.index) return;
    focus.current = next;
    draw();
  };

  const onMove = (event: MouseEvent<HTMLCanvasElement>) => {
    const bounds = event.currentTarget.getBoundingClientRect();
    const x = event.clientX - bounds.left;
    const index = Math.floor((event.clientY - bounds.top - layout.top) / layout.rowHeight);
    const side = x <= layout.linesLeft ? 'query' : x >= layout.linesRight ? 'key' : undefined;
    const count = side === 'query' ? shown[0]?.rows.length : shown[0]?.cols.length;
    setFocus(side && index >= 0 && index < (count ?? 0) ? { side, index } : undefined);
  };

  const onKey = (event: KeyboardEvent<HTMLCanvasElement>) => {
    const current = focus.current ?? { side: 'query', index: -1 };
    const count = (side: HeadViewFocus['side']) => (side === 'query' ? shown[0]?.rows.length : shown[0]?.cols.length) ?? 0;
    let next: HeadViewFocus | undefined;
    if (event.key === 'ArrowDown') next = { ...current, index: Math.min(count(current.side) - 1, current.index + 1) };
    else if (event.key === 'ArrowUp') next = { ...current, index: Math.max(0, current.index - 1) };
    else if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
      const side = event.key === 'ArrowLeft' ? 'query' : 'key';
      next = { side, index: Math.max(0, Math.min(count(side) - 1, current.index)) };
    } else if (event.key === 'Escape') next = undefined;
    else return;
    event.preventDefault();
    setFocus(next);
  };

  // Ticking a head makes it the Head picker's head too; unticking the picker's head hands that to another ticked one.
  const toggleHead = (head: number) => {
    const heads = lineHeads.includes(head) ? lineHeads.filter((h) => h !== head) : [...lineHeads, head].sort((a, b) => a - b);
    if (heads.length === 0) return;
    setView(lineHeads.includes(head) ? { lineHeads: heads } : { lineHeads: heads, head });
  };

  return (
    <div className="attention-head-view" ref={box} data-testid="attention-head-view">
      <fieldset className="attention-head-picks">
        <legend>Heads of layer {layer} drawn (the Head picker above chooses one; tick more to compare)</legend>
        {Array.from({ length: set.heads }, (_, head) => {
          const kv = kvHeadNote(set, head);
          return (
            <label key={head} className="attention-head-pick" title={kv}>
              <input type="checkbox" checked={lineHeads.includes(head)} onChange={() => toggleHead(head)} data-testid={`attention-line-head-${head}`} />
              <span className="attention-swatch" style={{ background: headColor(head, colors.panel) }} aria-hidden="true" /> head {head}
              {kv && <span className="muted"> · {kv.replace(/, shared.*/, '')}</span>}
            </label>
          );
        })}
      </fieldset>
      <p ref={readout} className="attention-readout" aria-live="polite" data-testid="attention-head-readout" />
      <canvas
        ref={canvas}
        tabIndex={0}
        role="img"
        aria-label={`Head view of layer ${layer}, heads ${lineHeads.join(', ')}: queries on the left, keys on the right. Arrow keys move between tokens.`}
        data-testid="attention-head-canvas"
        onMouseMove={onMove}
        onMouseLeave={() => setFocus(undefined)}
        onKeyDown={onKey}
      />
    </div>
  );
}
