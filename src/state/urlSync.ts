import { useAppStore, type AppState } from './store';
import { TABS, type TabId } from './uiSlice';
import { attentionUrlChanged, readAttentionParams, writeAttentionParams } from './attentionUrl';
import { howItWorksUrlChanged, readHowItWorksParams, writeHowItWorksParams } from './howItWorksUrl';
import { addCachedSizes, linkRequest, originAllowed, originOfName, trustedOrigins, trustOrigins, useLinkConsent, watchPolicyRefusals, type LinkRequest } from './linkConsent';

// The URL carries what reproduces the view (tab, tokenizers, text, a non-default Hub endpoint); localStorage keeps the
// text across reloads when the URL does not name one. Long texts stay out of the URL. What a link would fetch from
// another origin (?model=, ?tok=, with ?hub=) waits for the person's confirmation (see linkConsent.ts).
const MAX_URL_TEXT = 4000;
const STORAGE_KEY = 'playground.text';

function readInitialState(params: URLSearchParams): Partial<AppState> {
  const state: Partial<AppState> = { ...readAttentionParams(params), ...readHowItWorksParams(params) };
  const tab = params.get('tab');
  if (tab && (TABS as readonly string[]).includes(tab)) state.tab = tab as TabId;
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
  if (useLinkConsent.getState().pending) return; // the link stays as it came until the person answers
  const params = new URLSearchParams(location.search);
  params.set('tab', state.tab);
  params.set('tok', state.tokenizerNames.join(','));
  if (state.text.length <= MAX_URL_TEXT) params.set('text', state.text);
  else params.delete('text');
  writeAttentionParams(params, state);
  writeHowItWorksParams(params, state);
  const url = `${location.pathname}?${params.toString()}${location.hash}`;
  if (url !== `${location.pathname}${location.search}${location.hash}`) history.replaceState(null, '', url);
  try {
    localStorage.setItem(STORAGE_KEY, state.text);
  } catch {
    // Storage full or disabled: the URL still carries short texts.
  }
}

/** Applies a link's endpoint, tokenizers and model (all of it: the person agreed, or nothing needed asking). */
function applyLink(request: LinkRequest, hubInLink: boolean) {
  const state = useAppStore.getState();
  useAppStore.setState({
    ...(hubInLink ? { hubEndpoint: request.hubEndpoint } : {}),
    ...(request.tokenizers.length > 0 ? { tokenizerNames: request.tokenizers } : {}),
  });
  if (request.model) void state.loadModel(request.model);
}

/** Remembers the origins of what loaded (a model or tokenizer the person chose, or a link they confirmed). */
function rememberLoadedOrigins() {
  useAppStore.subscribe((state, previous) => {
    const origins: string[] = [];
    if (state.model && state.model !== previous.model) origins.push(originOfName('model', state.model.name, state.hubEndpoint) ?? '');
    if (state.results !== previous.results) {
      for (const [name, result] of Object.entries(state.results)) {
        if (result.encoding && previous.results[name]?.encoding !== result.encoding) origins.push(originOfName('tokenizer', name, state.hubEndpoint) ?? '');
      }
    }
    const remote = origins.filter(Boolean);
    if (remote.length > 0) trustOrigins(remote);
  });
}

/**
 * Applies the URL to the store once, then mirrors the store back into the URL (debounced). Says whether the URL named
 * a model that is loading now (a link waiting for consent loads nothing yet: the page opens on its defaults).
 */
export function startUrlSync(): boolean {
  watchPolicyRefusals();
  const params = new URLSearchParams(location.search);
  useAppStore.setState(readInitialState(params));
  const request = linkRequest(params, location.href);
  const trusted = trustedOrigins();
  useLinkConsent.setState({ trusted });
  const asking = request.fetches.filter((fetch) => !originAllowed(fetch.origin, location.origin, trusted));
  const hubInLink = params.has('hub');
  if (asking.length === 0) {
    applyLink(request, hubInLink);
  } else {
    // Only what needs no consent applies now: the page's own tokenizers; the rest waits for the person's answer.
    const local = request.tokenizers.filter((name) => !asking.some((fetch) => fetch.kind === 'tokenizer' && fetch.name === name));
    if (local.length > 0) useAppStore.setState({ tokenizerNames: local });
    const pending = { ...request, fetches: asking };
    useLinkConsent.setState({
      pending,
      answer: (allow) => {
        useLinkConsent.setState({ pending: undefined, answer: undefined });
        if (!allow) return;
        trustOrigins(asking.map((fetch) => fetch.origin));
        applyLink(request, hubInLink);
      },
    });
    void addCachedSizes(pending).then((withSizes) => {
      if (useLinkConsent.getState().pending === pending) useLinkConsent.setState({ pending: withSizes });
    });
  }
  rememberLoadedOrigins();
  let timer: ReturnType<typeof setTimeout> | undefined;
  useAppStore.subscribe((state, previous) => {
    if (state.tab === previous.tab && state.text === previous.text && state.tokenizerNames === previous.tokenizerNames && !attentionUrlChanged(state, previous) && !howItWorksUrlChanged(state, previous)) return;
    clearTimeout(timer);
    timer = setTimeout(() => writeUrl(useAppStore.getState()), 250);
  });
  return asking.length === 0 && request.model !== null;
}
