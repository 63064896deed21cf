// The "How it works" tab's part of the shareable URL: the stage, layer, head and token (the text and model are the
// page's). `layer` and `head` are the same keys the attention explorer uses; each tab writes them while it is open.

import type { AppState } from './store';
import type { TabId } from './uiSlice';
import { DEFAULT_WALKTHROUGH, WALKTHROUGH_STAGES, type StageId } from './howItWorksSlice';

export const HOW_IT_WORKS_TAB: TabId = 'how-it-works';

export function readHowItWorksParams(params: URLSearchParams): Partial<AppState> {
  if (params.get('tab') !== HOW_IT_WORKS_TAB) return {};
  const stage = params.get('stage');
  const number = (name: string) => {
    const value = Number(params.get(name));
    return params.has(name) && Number.isInteger(value) && value >= 0 ? value : undefined;
  };
  return {
    walkthrough: {
      stage: stage && (WALKTHROUGH_STAGES as readonly string[]).includes(stage) ? (stage as StageId) : DEFAULT_WALKTHROUGH.stage,
      layer: number('layer') ?? DEFAULT_WALKTHROUGH.layer,
      head: number('head') ?? DEFAULT_WALKTHROUGH.head,
      token: number('token') ?? DEFAULT_WALKTHROUGH.token,
    },
  };
}

/** After the attention explorer's keys: this tab writes its four while open, and removes its own otherwise. */
export function writeHowItWorksParams(params: URLSearchParams, state: AppState) {
  if (state.tab !== HOW_IT_WORKS_TAB) {
    params.delete('stage');
    params.delete('token');
    return;
  }
  const { stage, layer, head, token } = state.walkthrough;
  params.set('stage', stage);
  params.set('layer', String(layer));
  params.set('head', String(head));
  if (token >= 0) params.set('token', String(token));
  else params.delete('token');
}

export const howItWorksUrlChanged = (state: AppState, previous: AppState) => state.walkthrough !== previous.walkthrough;
