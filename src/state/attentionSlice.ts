import type { StateCreator } from 'zustand';
import type { AppState } from './store';
import { engine } from '../engine/engine';
import type { TextTokenizer } from '../tokenizers/tokenizer';
import type { AttentionSet, PairFilter, Reduction } from '../attention/types';
import type { ColormapName } from '../attention/colormaps';
import { NO_FILTER, type TokenFilter } from '../attention/filter';
import { appendGeneratedRow } from '../attention/growth';

export const ATTENTION_VIEWS = ['heatmap', 'model', 'head', 'neuron', 'stats'] as const;
export type AttentionViewId = (typeof ATTENTION_VIEWS)[number];

/** What the attention explorer shows; the URL carries view, layer and head. */
export interface AttentionViewState {
  view: AttentionViewId;
  layer: number;
  head: number;
  reduction: Reduction;
  filter: TokenFilter;
  colormap: ColormapName;
  /** Colour scale: 0 to 1, or 0 to the largest weight shown. */
  scale: 'unit' | 'max';
  /** Heads drawn in the head view. */
  lineHeads: number[];
  /** The query token of the neuron view. */
  query: number;
}

export type AttentionStatus = 'idle' | 'running' | 'generating' | 'error';

/** Explicit input for a forward pass (ids that fit the model), for tests and scripts. */
export interface AttentionIdsInput {
  ids: number[];
  typeIds?: number[];
  tokens?: string[];
}

export interface AttentionSlice {
  attention?: AttentionSet;
  attentionStatus: AttentionStatus;
  attentionError?: string;
  /** BERT: the second sentence of a pair ('' for a single sentence). */
  attentionPair: string;
  attentionView: AttentionViewState;
  setAttentionView: (patch: Partial<AttentionViewState>) => void;
  setAttentionPair: (text: string) => void;
  /** Shows a tensor without running a model (an import, a benchmark). */
  showAttentionSet: (set: AttentionSet) => void;
  /** Runs the loaded model on the page's text (and pair), or on explicit ids, and shows its attention. */
  runAttention: (input?: AttentionIdsInput) => Promise<void>;
  /** GPT-2: generates greedily from the text, growing the attention by one row per new token. */
  generateAttention: (maxNewTokens: number) => Promise<void>;
}

export const DEFAULT_ATTENTION_VIEW: AttentionViewState = {
  view: 'heatmap',
  layer: 0,
  head: 0,
  reduction: 'head',
  filter: NO_FILTER,
  colormap: 'viridis',
  scale: 'unit',
  lineHeads: [0],
  query: 0,
};

const clamp = (value: number, count: number) => Math.max(0, Math.min(count - 1, Math.trunc(value) || 0));

/** The patch with layer, head, query and heads inside the shown tensor's sizes. */
function clampView(view: AttentionViewState, set?: AttentionSet): AttentionViewState {
  if (!set) return view;
  const heads = view.lineHeads.filter((h) => h >= 0 && h < set.heads);
  const selected = view.filter.selected.filter((i) => i >= 0 && i < set.T);
  const pair: PairFilter = set.typeIds ? view.filter.pair : 'all';
  return {
    ...view,
    layer: clamp(view.layer, set.layers),
    head: clamp(view.head, set.heads),
    query: clamp(view.query, set.T),
    lineHeads: heads.length > 0 ? heads : [0],
    filter: { ...view.filter, selected, pair },
  };
}

function isSpecialId(tokenizer: TextTokenizer, id: number): boolean {
  return tokenizer.decode([id], { skipSpecialTokens: true }) === '';
}

let run = 0;

export const createAttentionSlice: StateCreator<AppState, [], [], AttentionSlice> = (set, get) => {
  const show = (attention: AttentionSet, attentionStatus: AttentionStatus = 'idle') =>
    set({ attention, attentionStatus, attentionError: undefined, attentionView: clampView(get().attentionView, attention) });
  const fail = (error: unknown) => set({ attentionStatus: 'error', attentionError: error instanceof Error ? error.message : String(error) });

  return {
    attentionStatus: 'idle',
    attentionPair: '',
    attentionView: DEFAULT_ATTENTION_VIEW,
    setAttentionView: (patch) => set({ attentionView: clampView({ ...get().attentionView, ...patch }, get().attention) }),
    setAttentionPair: (attentionPair) => set({ attentionPair }),
    showAttentionSet: (attention) => {
      run++;
      show(attention);
    },
    runAttention: async (input) => {
      const current = ++run;
      set({ attentionStatus: 'running', attentionError: undefined });
      try {
        const tokenizer = engine.tokenizer();
        const { text, attentionPair } = get();
        const encoding = input
          ? {
              ids: input.ids,
              typeIds: input.typeIds,
              tokens: input.tokens ?? input.ids.map((id) => tokenizer.idToToken(id) ?? String(id)),
              special: input.ids.map((id) => isSpecialId(tokenizer, id)),
            }
          : attentionPair && engine.model?.kind === 'encoder'
            ? tokenizer.encodePair(text, attentionPair)
            : tokenizer.encode(text);
        const typeIds = 'typeIds' in encoding ? encoding.typeIds : undefined;
        const model = engine.model!;
        const result = await engine.forward(encoding.ids, { tokenTypeIds: typeIds, saveQkv: true });
        if (current !== run) return;
        show({
          tokens: encoding.tokens,
          special: encoding.special,
          ids: encoding.ids,
          typeIds,
          causal: model.kind === 'decoder',
          layers: model.layers,
          heads: model.heads,
          T: encoding.ids.length,
          attentions: result.attentions,
          qkv: result.qkv,
        });
      } catch (error) {
        if (current === run) fail(error);
      }
    },
    generateAttention: async (maxNewTokens) => {
      const current = ++run;
      set({ attentionStatus: 'generating', attentionError: undefined });
      try {
        const tokenizer = engine.tokenizer();
        const model = engine.model!;
        const prompt = tokenizer.encode(get().text);
        let decoded = '';
        let labelled = 0;
        const result = await engine.generate(get().text, {
          maxNewTokens,
          temperature: 0,
          onText: (text) => (decoded = text),
          onAttention: (step, attentions) => {
            if (current !== run) return;
            if (step === 0) {
              const { ids, tokens, special } = prompt;
              show({ tokens, special, ids, causal: true, layers: model.layers, heads: model.heads, T: ids.length, attentions }, 'generating');
            } else {
              const piece = decoded.slice(labelled);
              labelled = decoded.length;
              show(appendGeneratedRow(get().attention!, attentions, piece), 'generating');
            }
          },
        });
        // The finished sequence once more in one pass: the tokens themselves as labels, and q, k, v for the neuron view.
        if (current === run) await get().runAttention({ ids: [...prompt.ids, ...result.ids] });
      } catch (error) {
        if (current === run) fail(error);
      }
    },
  };
};
