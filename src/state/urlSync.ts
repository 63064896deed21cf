import { useAppStore, type AppState } from './store';
import { TABS, type TabId } from './uiSlice';
import { attentionUrlChanged, readAttentionParams, urlModel, writeAttentionParams } from './attentionUrl';

// The URL carries what reproduces the view (tab, tokenizers, text, a non-default Hub endpoint); localStorage keeps the text across reloads
// when the URL does not name one. Long texts stay out of the URL.
const MAX_URL_TEXT = 4000;
const STORAGE_KEY = 'playground.text';

function readInitialState(): Partial<AppState> {
  const params = new URLSearchParams(location.search);
  const state: Partial<AppState> = readAttentionParams(params);
  const tab = params.get('tab');
  if (tab && (TABS as readonly string[]).includes(tab)) state.tab = tab as TabId;
  const tokenizers = params.get('tok');
  if (tokenizers) state.tokenizerNames = tokenizers.split(',').map((name) => name.trim()).filter(Boolean);
  const hub = params.get('hub');
  if (hub) state.hubEndpoint = hub.replace(/\/+$/, '');
  const text = params.get('text') ?? safeStorageGet(STORAGE_KEY);
  if (text !== null) state.text = text;
  return state;
}

function safeStorageGet(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function writeUrl(state: AppState) {
  const params = new URLSearchParams(location.search);
  params.set('tab', state.tab);
  params.set('tok', state.tokenizerNames.join(','));
  if (state.text.length <= MAX_URL_TEXT) params.set('text', state.text);
  else params.delete('text');
  writeAttentionParams(params, state);
  const url = `${location.pathname}?${params.toString()}${location.hash}`;
  if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(null, '', url);
  try {
    localStorage.setItem(STORAGE_KEY, state.text);
  } catch {
    // Storage full or disabled: the URL still carries short texts.
  }
}

/** Applies the URL to the store once, then mirrors the store back into the URL (debounced). Says whether the URL named a model. */
export function startUrlSync(): boolean {
  useAppStore.setState(readInitialState());
  const model = urlModel(new URLSearchParams(location.search));
  if (model) void useAppStore.getState().loadModel(model);
  let timer: ReturnType<typeof setTimeout> | undefined;
  useAppStore.subscribe((state, previous) => {
    if (state.tab === previous.tab && state.text === previous.text && state.tokenizerNames === previous.tokenizerNames && !attentionUrlChanged(state, previous)) return;
    clearTimeout(timer);
    timer = setTimeout(() => writeUrl(useAppStore.getState()), 250);
  });
  return model !== null;
}
