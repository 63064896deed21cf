import type { StateCreator } from 'zustand';
import type { AppState } from './store';
import { engine } from '../engine/engine';
import type { TextTokenizer } from '../tokenizers/tokenizer';
import type { AttentionSet, PairFilter, Reduction } from '../attention/types';
import type { ColormapName } from '../attention/colormaps';
import { NO_FILTER, type TokenFilter } from '../attention/filter';
import { appendGeneratedRow } from '../attention/growth';
import { defaultQuery } from '../attention/neuron';
import { LONG_TEXT, type TokenDisplay } from './tokenizeSlice';

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
  /** Heads drawn in the head view; always holds `head` (the Head picker chooses one, the head view adds others). */
  lineHeads: number[];
  /** The query token of the neuron view: a new text opens on its last token that is not special. */
  query: number;
}

export type AttentionStatus = 'idle' | 'running' | 'generating' | 'error';

/** Explicit input for a forward pass (ids that fit the model), for tests and scripts. */
export interface AttentionIdsInput {
  ids: number[];
  typeIds?: number[];
  tokens?: string[];
  /** Tokens from this index on were generated (marked in the views). */
  generatedFrom?: number;
}

/** What the shown attention was computed from: the page's text (and pair), or ids or a tensor given explicitly. */
interface AttentionSource {
  model?: string;
  text?: string;
  pair?: string;
}

export interface AttentionSlice {
  attention?: AttentionSet;
  attentionStatus: AttentionStatus;
  attentionError?: string;
  /** BERT: the second sentence of a pair ('' for a single sentence). */
  attentionPair: string;
  attentionView: AttentionViewState;
  attentionSource?: AttentionSource;
  /** Token labels of the views: decoded text (default) or the vocabulary's pieces, as the Tokenize tab's switch. */
  attentionLabels: TokenDisplay;
  setAttentionView: (patch: Partial<AttentionViewState>) => void;
  setAttentionPair: (text: string) => void;
  setAttentionLabels: (labels: TokenDisplay) => void;
  /** Shows a tensor without running a model (an import, a benchmark). */
  showAttentionSet: (set: AttentionSet) => void;
  /**
   * Runs the loaded model on the page's text (and pair), or on explicit ids, and shows its attention. Resolves with
   * what is shown; rejects with the model's error, or when a newer run replaced this one before it finished.
   */
  runAttention: (input?: AttentionIdsInput) => Promise<AttentionSet>;
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

/** The patch with layer, head, query and heads inside the shown tensor's sizes; the head view always shows `head`. */
function clampView(view: AttentionViewState, set?: AttentionSet): AttentionViewState {
  if (!set) return view;
  const head = clamp(view.head, set.heads);
  const heads = view.lineHeads.filter((h) => h >= 0 && h < set.heads);
  const selected = view.filter.selected.filter((i) => i >= 0 && i < set.T);
  const pair: PairFilter = set.typeIds ? view.filter.pair : 'all';
  return {
    ...view,
    layer: clamp(view.layer, set.layers),
    head,
    query: clamp(view.query, set.T),
    lineHeads: heads.includes(head) ? heads : [head],
    filter: { ...view.filter, selected, pair },
  };
}

/**
 * One head picker: choosing `head` (the Head select, Page Up/Down, a thumbnail) shows that head alone in the head view;
 * choosing the head view's heads keeps `head` when it is among them, else the head ticked last.
 */
function withHeadPickersAgreeing(view: AttentionViewState, patch: Partial<AttentionViewState>): Partial<AttentionViewState> {
  if (patch.head !== undefined && patch.lineHeads === undefined && patch.head !== view.head) return { ...patch, lineHeads: [patch.head] };
  if (patch.lineHeads !== undefined && patch.head === undefined && patch.lineHeads.length > 0 && !patch.lineHeads.includes(view.head)) {
    const added = patch.lineHeads.filter((h) => !view.lineHeads.includes(h));
    return { ...patch, head: added.at(-1) ?? patch.lineHeads[0] };
  }
  return patch;
}

const sameTokens = (a: AttentionSet | undefined, b: AttentionSet) => a !== undefined && a.T === b.T && a.tokens.every((token, i) => token === b.tokens[i]);

function isSpecialId(tokenizer: TextTokenizer, id: number): boolean {
  return tokenizer.decode([id], { skipSpecialTokens: true }) === '';
}

let run = 0;
/** The Attention tab's generation: a newer run, or leaving the tab, stops it. */
let generation: AbortController | undefined;

export const createAttentionSlice: StateCreator<AppState, [], [], AttentionSlice> = (set, get, store) => {
  const show = (attention: AttentionSet, attentionSource: AttentionSource, attentionStatus: AttentionStatus = 'idle') => {
    const view = get().attentionView;
    const query = sameTokens(get().attention, attention) ? view.query : defaultQuery(attention.special);
    set({ attention, attentionSource, attentionStatus, attentionError: undefined, attentionView: clampView({ ...view, query }, attention) });
  };
  const fail = (error: unknown) => set({ attentionStatus: 'error', attentionError: error instanceof Error ? error.message : String(error) });
  const superseded = () => new Error('This attention run was replaced by a newer one (another text, ids or model) before it finished.');

  // The attention tab shows the current text's attention when it opens and when another model loads while it is open
  // (not what the tab shows already: explicit ids, an opened file, or this text on this model).
  store.subscribe((state, previous) => {
    if (previous.tab === 'attention' && state.tab !== 'attention') generation?.abort();
    if (state.tab !== 'attention' || state.modelStatus !== 'ready' || !state.model) return;
    const modelChanged = state.model !== previous.model;
    const opened = previous.tab !== 'attention';
    if (!modelChanged && !opened) return;
    if (!modelChanged) {
      const source = state.attentionSource;
      const busy = state.attentionStatus === 'running' || state.attentionStatus === 'generating';
      const current = source?.model === state.model.name && (source.text === undefined || (source.text === state.text && source.pair === state.attentionPair));
      if (busy || current) return;
    }
    get().runAttention().catch(() => undefined); // the error is shown in the tab
  });

  return {
    attentionStatus: 'idle',
    attentionPair: '',
    attentionView: DEFAULT_ATTENTION_VIEW,
    attentionLabels: 'decoded',
    setAttentionView: (patch) => {
      const view = get().attentionView;
      set({ attentionView: clampView({ ...view, ...withHeadPickersAgreeing(view, patch) }, get().attention) });
    },
    setAttentionPair: (attentionPair) => set({ attentionPair }),
    setAttentionLabels: (attentionLabels) => set({ attentionLabels }),
    showAttentionSet: (attention) => {
      run++;
      show(attention, { model: undefined });
    },
    runAttention: async (input) => {
      const current = ++run;
      generation?.abort();
      set({ attentionStatus: 'running', attentionError: undefined });
      try {
        const model = engine.model;
        if (!model) throw new Error('Load a model first (the picker on the right), then show its attention.');
        const tokenizer = engine.tokenizer();
        const { text, attentionPair } = get();
        const pair = attentionPair && model.kind === 'encoder' ? attentionPair : '';
        if (!input && text.length + pair.length > LONG_TEXT) {
          throw new Error(
            `The text is ${(text.length + pair.length).toLocaleString('en-US')} characters; ${model.name} reads at most ${model.config.dims.P.toLocaleString('en-US')} tokens at once. Shorten it to a passage to see its attention.`,
          );
        }
        const encoding = input
          ? {
              ids: input.ids,
              typeIds: input.typeIds,
              tokens: input.tokens ?? input.ids.map((id) => tokenizer.idToToken(id) ?? String(id)),
              special: input.ids.map((id) => isSpecialId(tokenizer, id)),
            }
          : pair
            ? tokenizer.encodePair(text, pair)
            : tokenizer.encode(text);
        const typeIds = 'typeIds' in encoding ? encoding.typeIds : undefined;
        // Fast CPU mode runs the forward in onnxruntime-web, which returns no q, k, v (the neuron view then says so).
        // No logits: the views draw attention only, and the vocabulary projection is the largest matmul of a forward.
        const result = await engine.forward(encoding.ids, { tokenTypeIds: typeIds, saveQkv: !get().fastCpuMode, logits: 'none' });
        if (current !== run) throw superseded();
        const shown: AttentionSet = {
          tokens: encoding.tokens,
          special: encoding.special,
          ids: encoding.ids,
          typeIds,
          causal: model.kind === 'decoder',
          layers: model.layers,
          heads: model.heads,
          kvHeads: model.kvHeads,
          rotary: model.config.dims.positions === 'rotary',
          byteLevel: tokenizer.byteLevel,
          generatedFrom: input?.generatedFrom,
          T: encoding.ids.length,
          attentions: result.attentions,
          qkv: result.qkv,
          engine: result.engine,
        };
        show(shown, input ? { model: model.name } : { model: model.name, text, pair: attentionPair });
        return shown;
      } catch (error) {
        if (current === run) fail(error);
        throw error;
      }
    },
    generateAttention: async (maxNewTokens) => {
      const current = ++run;
      generation?.abort();
      const signal = (generation = new AbortController()).signal;
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
          signal,
          onText: (text) => (decoded = text),
          onAttention: (step, attentions) => {
            if (current !== run) return;
            const source = { model: model.name };
            if (step === 0) {
              const { ids, tokens, special } = prompt;
              const shown: AttentionSet = { tokens, special, ids, causal: true, layers: model.layers, heads: model.heads, kvHeads: model.kvHeads, byteLevel: tokenizer.byteLevel, generatedFrom: ids.length, T: ids.length, attentions };
              show(shown, source, 'generating');
            } else {
              // The new row's label is the text the token added; the final pass below labels it with the token itself.
              const piece = decoded.slice(labelled);
              labelled = decoded.length;
              show(appendGeneratedRow(get().attention!, attentions, piece), source, 'generating');
            }
          },
        });
        if (current !== run) return;
        // Stopped (the tab was left): the rows generated so far stay, nothing more runs.
        if (signal.aborted) return set({ attentionStatus: 'idle' });
        // The finished sequence once more in one pass: the tokens themselves as labels, and q, k, v for the neuron view.
        await get().runAttention({ ids: [...prompt.ids, ...result.ids], generatedFrom: prompt.ids.length });
      } catch (error) {
        if (current === run) fail(error);
      }
    },
  };
};
