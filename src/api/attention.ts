// The attention explorer's part of `window.playground` (documented in the README): what is drawn, the matrix behind
// it, and ways to show a tensor or change the view that resolve once the page has drawn.

import { useAppStore } from '../state/store';
import type { AttentionIdsInput, AttentionViewState } from '../state/attentionSlice';
import { shownMatrix } from '../attention/shown';
import type { TokenFilter } from '../attention/filter';
import type { AttentionSet, Reduction, ShownMatrix } from '../attention/types';
import { attentionAtArguments, attentionViewArguments, loadedModelLimits, showAttentionArguments, type SyntheticAttentionInput } from './arguments';
import { currentDrawn, currentMatrix, drawnFrom, type DrawnView } from '../state/drawnView';

export interface AttentionMatrix {
  layer: number;
  head: number;
  reduction: Reduction;
  rows: number[]; // token indices of the query rows
  cols: number[]; // token indices of the key columns
  rowTokens: string[];
  colTokens: string[];
  values: number[][]; // (rows, cols)
  masked: boolean[][]; // (rows, cols): hidden by the causal mask
}

/** A tensor to show without running a model: (L) x (H, T, T) per layer, as typed arrays or plain numbers. */
export type SyntheticAttention = SyntheticAttentionInput;

export type AttentionView = DrawnView & { tab: string; model?: string; tokens: string[]; ids?: number[]; filter: TokenFilter; status: string };

export interface AttentionApi {
  /** The matrix of a layer and head as the heatmap shows it (current filters); no argument: the one drawn now. */
  attention(at?: { layer?: number; head?: number; reduction?: Reduction }): AttentionMatrix | undefined;
  /** What the attention tab displays right now (undefined before its first draw). */
  readonly view: AttentionView | undefined;
  /** Runs the loaded model on these ids, or shows a given tensor; opens the attention tab; resolves once drawn. */
  showAttention(input: AttentionIdsInput | SyntheticAttention): Promise<AttentionView | undefined>;
  /** Changes view, layer, head, filters…; resolves once the page has drawn the change. */
  setAttentionView(patch: Partial<AttentionViewState>): Promise<AttentionView | undefined>;
}

const DRAW_TIMEOUT_MS = 30_000;

function plain(shown: ShownMatrix, set: AttentionSet, at: { layer: number; head: number; reduction: Reduction }): AttentionMatrix {
  const K = shown.cols.length;
  return {
    ...at,
    rows: shown.rows,
    cols: shown.cols,
    rowTokens: shown.rows.map((i) => set.tokens[i]),
    colTokens: shown.cols.map((i) => set.tokens[i]),
    values: shown.rows.map((_, r) => Array.from(shown.values.subarray(r * K, (r + 1) * K))),
    masked: shown.rows.map((_, r) => Array.from(shown.masked.subarray(r * K, (r + 1) * K), (m) => m === 1)),
  };
}

/** `playground.view`: a getter on the API object, so it is read when asked. */
export function currentView(): AttentionView | undefined {
  const drawn = currentDrawn();
  const state = useAppStore.getState();
  if (!drawn || !state.attention) return undefined;
  return { ...drawn, tab: state.tab, model: state.model?.name, tokens: state.attention.tokens, ids: state.attention.ids, filter: state.attentionView.filter, status: state.attentionStatus };
}

/** Runs `change`, then waits until the page has drawn the store's attention and view state. */
async function afterDraw(change: () => void | Promise<void>): Promise<AttentionView | undefined> {
  await change();
  const { attention, attentionView } = useAppStore.getState();
  if (!attention) return undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('The attention view did not draw: is the attention tab open?')), DRAW_TIMEOUT_MS);
  });
  await Promise.race([drawnFrom(attention, attentionView), timeout]).finally(() => clearTimeout(timer));
  return currentView();
}

/** The methods of AttentionApi (`view` is the getter `currentView`). */
export function createAttentionApi(): Omit<AttentionApi, 'view'> {
  const store = useAppStore.getState;
  return {
    attention: (...args) => {
      const { attention: set, attentionView } = store();
      const at = attentionAtArguments(args[0], set);
      if (!set) return undefined;
      const choice = { layer: at.layer ?? attentionView.layer, head: at.head ?? attentionView.head, reduction: at.reduction ?? attentionView.reduction };
      const drawn = currentDrawn();
      const onScreen = currentMatrix();
      const same = drawn?.view === 'heatmap' && drawn.layer === choice.layer && drawn.head === choice.head && drawn.reduction === choice.reduction;
      return plain(same && onScreen ? onScreen : shownMatrix(set, choice, attentionView.filter), set, choice);
    },
    showAttention: async (...args) => {
      const input = showAttentionArguments(args[0], loadedModelLimits());
      return afterDraw(async () => {
        // The run starts before the tab opens: opening it then starts no run on the page's text that would replace it.
        const shown = 'ids' in input ? store().runAttention(input.ids) : store().showAttentionSet(input.set);
        store().setTab('attention');
        await shown; // rejects with the model's error, or when a newer run replaced this one before it was drawn
      });
    },
    setAttentionView: async (...args) => {
      const patch = attentionViewArguments(args[0], store().attentionView, store().attention);
      return afterDraw(() => store().setAttentionView(patch));
    },
  };
}
