// What the attention explorer has drawn, kept outside React so hover and tests read it without a re-render:
// `window.playground.view` and `playground.attention()` come from here.

import type { AttentionViewId, AttentionViewState } from './attentionSlice';
import type { AttentionSet, Reduction, ShownMatrix } from '../attention/types';
import type { ColormapName } from '../attention/colormaps';

export interface HeatmapGrid {
  /** CSS pixels from the canvas's top-left corner to the first cell. */
  left: number;
  top: number;
  cellWidth: number;
  cellHeight: number;
}

export interface DrawnView {
  view: AttentionViewId;
  layer: number;
  head: number;
  reduction: Reduction;
  T: number;
  /** Token indices of the heatmap's rows and columns (the head view's left and right columns). */
  rows: number[];
  cols: number[];
  /** Heads drawn in the head view. */
  heads?: number[];
  /** The neuron view's query token. */
  query?: number;
  colormap: ColormapName;
  /** The weight drawn with the top colour of the map. */
  scaleMax: number;
  grid?: HeatmapGrid;
  /** Draws since the page opened. */
  draws: number;
}

/** The store objects a drawing came from: the attention set and the view state. */
export interface DrawnSource {
  set: AttentionSet;
  state: AttentionViewState;
}

let drawn: DrawnView | undefined;
let drawnSource: DrawnSource | undefined;
let drawnMatrix: ShownMatrix | undefined;
let canvas: (() => HTMLCanvasElement | undefined) | undefined;
let waiting: { check: (source: DrawnSource) => boolean; done: () => void }[] = [];
let draws = 0;

/**
 * Called by a view after it has drawn `source`: what it shows, the matrix when it is a heatmap, and its image for
 * export.
 */
export function recordDrawn(source: DrawnSource, view: Omit<DrawnView, 'draws'>, matrix?: ShownMatrix, image?: () => HTMLCanvasElement | undefined) {
  drawn = { ...view, draws: ++draws };
  drawnSource = source;
  drawnMatrix = matrix;
  canvas = image;
  const ready = waiting.filter((waiter) => waiter.check(source));
  waiting = waiting.filter((waiter) => !ready.includes(waiter));
  ready.forEach((waiter) => waiter.done());
}

export const currentDrawn = () => drawn;
export const currentMatrix = () => drawnMatrix;
export const exportableCanvas = () => canvas?.();

/** Resolves once a view has drawn this set with this view state (at once if it already has). */
export function drawnFrom(set: AttentionSet, state: AttentionViewState): Promise<void> {
  const check = (source: DrawnSource) => source.set === set && source.state === state;
  if (drawnSource && check(drawnSource)) return Promise.resolve();
  return new Promise((done) => waiting.push({ check, done }));
}
