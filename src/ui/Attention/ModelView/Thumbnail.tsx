import { useEffect, useRef } from 'react';
import { shownMatrix } from '../../../attention/shown';
import type { TokenFilter } from '../../../attention/filter';
import type { AttentionSet } from '../../../attention/types';
import type { ColormapName } from '../../../attention/colormaps';
import { cellImage } from '../Heatmap/drawHeatmap';
import { whenVisible } from './whenVisible';

interface Props {
  set: AttentionSet;
  layer: number;
  head: number;
  filter: TokenFilter;
  colormap: ColormapName;
  selected: boolean;
  onOpen: () => void;
}

export const THUMBNAIL_SIZE = 72;

/** One head as a small picture, drawn only once it scrolls into view. */
export function Thumbnail({ set, layer, head, filter, colormap, selected, onOpen }: Props) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    return whenVisible(canvas, () => drawThumbnail(canvas, set, layer, head, filter, colormap));
  }, [set, layer, head, filter, colormap]);
  return (
    <button
      type="button"
      className="attention-thumb"
      aria-pressed={selected}
      aria-label={`Layer ${layer}, head ${head}`}
      data-layer={layer}
      data-head={head}
      onClick={onOpen}
    >
      <canvas ref={ref} width={THUMBNAIL_SIZE} height={THUMBNAIL_SIZE} data-drawn="false" />
    </button>
  );
}

export function drawThumbnail(canvas: HTMLCanvasElement, set: AttentionSet, layer: number, head: number, filter: TokenFilter, colormap: ColormapName) {
  const shown = shownMatrix(set, { layer, head, reduction: 'head' }, filter);
  const ctx = canvas.getContext('2d');
  if (!ctx || shown.rows.length === 0 || shown.cols.length === 0) return;
  const cells = document.createElement('canvas');
  cells.width = shown.cols.length;
  cells.height = shown.rows.length;
  cells.getContext('2d')?.putImageData(cellImage(shown, colormap, 1), 0, 0);
  ctx.clearRect(0, 0, canvas.width, canvas.height);
  ctx.imageSmoothingEnabled = shown.rows.length > canvas.height;
  ctx.drawImage(cells, 0, 0, canvas.width, canvas.height);
  canvas.dataset.drawn = 'true';
}
