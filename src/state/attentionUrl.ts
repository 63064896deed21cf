// The attention explorer's part of the shareable URL: the model, the view, layer and head (the text is the page's).

import type { AppState } from './store';
import { ATTENTION_VIEWS, DEFAULT_ATTENTION_VIEW, type AttentionViewId } from './attentionSlice';

export function readAttentionParams(params: URLSearchParams): Partial<AppState> {
  const view = params.get('view');
  const number = (name: string) => {
    const value = Number(params.get(name));
    return params.has(name) && Number.isInteger(value) && value >= 0 ? value : undefined;
  };
  return {
    attentionView: {
      ...DEFAULT_ATTENTION_VIEW,
      view: view && (ATTENTION_VIEWS as readonly string[]).includes(view) ? (view as AttentionViewId) : DEFAULT_ATTENTION_VIEW.view,
      layer: number('layer') ?? DEFAULT_ATTENTION_VIEW.layer,
      head: number('head') ?? DEFAULT_ATTENTION_VIEW.head,
    },
    ...(params.has('pair') ? { attentionPair: params.get('pair') ?? '' } : {}),
  };
}

/** The model named in the URL, to load when the page opens. */
export const urlModel = (params: URLSearchParams) => params.get('model');

export function writeAttentionParams(params: URLSearchParams, state: AppState) {
  if (state.model && state.model.name !== 'local files') params.set('model', state.model.name);
  const attentionTab = state.tab === 'attention';
  for (const [name, value] of [['view', state.attentionView.view], ['layer', state.attentionView.layer], ['head', state.attentionView.head], ['pair', state.attentionPair]] as const) {
    if (attentionTab && value !== '') params.set(name, String(value));
    else params.delete(name);
  }
}

export const attentionUrlChanged = (state: AppState, previous: AppState) =>
  state.attentionView !== previous.attentionView || state.model !== previous.model || state.attentionPair !== previous.attentionPair;
