import { useEffect, type KeyboardEvent } from 'react';
import { useAppStore } from '../../../state/store';
import type { AttentionSet } from '../../../attention/types';
import type { TokenFilter } from '../../../attention/filter';
import type { ColormapName } from '../../../attention/colormaps';
import { recordDrawn } from '../../../state/drawnView';
import { Thumbnail, drawThumbnail, THUMBNAIL_SIZE } from './Thumbnail';

const GAP = 4;

/** Every layer × head as a thumbnail; click (or Enter) opens it in the heatmap. Arrow keys move across the grid. */
export function ModelView({ set }: { set: AttentionSet }) {
  const view = useAppStore((s) => s.attentionView);
  const setView = useAppStore((s) => s.setAttentionView);
  const { layer, head, filter, colormap } = view;

  useEffect(() => {
    recordDrawn(
      { set, state: view },
      { view: 'model', layer, head, reduction: 'head', T: set.T, rows: [], cols: [], colormap, scaleMax: 1 },
      undefined,
      () => composeGrid(set, filter, colormap),
    );
  }, [set, view, layer, head, filter, colormap]);

  const onKey = (event: KeyboardEvent<HTMLDivElement>) => {
    const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const move = moves[event.key];
    const target = event.target as HTMLElement;
    if (!move || target.dataset.layer === undefined) return;
    event.preventDefault();
    const l = Math.max(0, Math.min(set.layers - 1, Number(target.dataset.layer) + move[0]));
    const h = Math.max(0, Math.min(set.heads - 1, Number(target.dataset.head) + move[1]));
    event.currentTarget.querySelector<HTMLButtonElement>(`[data-layer="${l}"][data-head="${h}"]`)?.focus();
  };

  return (
    <div className="attention-model-view" role="group" aria-label="Every layer and head" onKeyDown={onKey} data-testid="attention-model-view">
      <div className="attention-thumbs" style={{ gridTemplateColumns: `auto repeat(${set.heads}, ${THUMBNAIL_SIZE}px)` }}>
        <span />
        {Array.from({ length: set.heads }, (_, h) => (
          <span key={h} className="attention-thumb-axis">head {h}</span>
        ))}
        {Array.from({ length: set.layers }, (_, l) => [
          <span key={`label-${l}`} className="attention-thumb-axis attention-thumb-layer" data-testid="attention-layer-label">layer {l}</span>,
          ...Array.from({ length: set.heads }, (_, h) => (
            <Thumbnail
              key={`${l}-${h}`}
              set={set}
              layer={l}
              head={h}
              filter={filter}
              colormap={colormap}
              selected={l === layer && h === head}
              onOpen={() => setView({ layer: l, head: h, reduction: 'head', view: 'heatmap' })}
            />
          )),
        ])}
      </div>
    </div>
  );
}

/** The whole grid as one canvas, for the PNG export. */
function composeGrid(set: AttentionSet, filter: TokenFilter, colormap: ColormapName): HTMLCanvasElement {
  const pitch = THUMBNAIL_SIZE + GAP;
  const out = document.createElement('canvas');
  out.width = set.heads * pitch;
  out.height = set.layers * pitch;
  const ctx = out.getContext('2d');
  const thumb = document.createElement('canvas');
  thumb.width = thumb.height = THUMBNAIL_SIZE;
  for (let l = 0; l < set.layers; l++) {
    for (let h = 0; h < set.heads; h++) {
      drawThumbnail(thumb, set, l, h, filter, colormap);
      ctx?.drawImage(thumb, h * pitch, l * pitch);
    }
  }
  return out;
}
