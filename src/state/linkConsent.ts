// Links ask first. A page opened with ?model=, ?tok= (or ?hub= with either) that would fetch from an origin other than
// the page's own and the built-in Hub endpoint shows what it would fetch (origin, files, sizes when this browser's cache
// knows them) and fetches nothing until the person confirms. Origins the person has loaded from before (the model
// panel, playground.loadModel, a confirmed link) are remembered in localStorage and not asked about again.

import { create } from 'zustand';
import { urlModel } from './attentionUrl';
import { EMBEDDED_MODELS } from '../engine/catalog';
import { isBuiltinTokenizerName } from '../tokenizers/sources';
import { DEFAULT_HUB_ENDPOINT } from '../weights/hub';
import { openBrowserCache, REVISION_INFO } from '../weights/model-cache';

export interface LinkFetch {
  kind: 'model' | 'tokenizer';
  /** As the link names it: a Hub id or a URL. */
  name: string;
  origin: string;
  /** Where its files are (a folder URL, or a tokenizer.json URL). */
  location: string;
  /** What will be requested, in order. */
  files: string[];
  /** From this browser's cache of an earlier load (bytes by file), when it has one. */
  sizes?: Record<string, number>;
}

/** What a link asks to load, resolved against its Hub endpoint. */
export interface LinkRequest {
  model: string | null;
  tokenizers: string[];
  hubEndpoint: string;
  /** What those would fetch from origins other than the page's own (none for embedded models and built-ins). */
  fetches: LinkFetch[];
}

const HUB_MODEL_FILES = ['model info (revision, file list)', 'config.json', 'model.safetensors, its shards or pytorch_model.bin', 'tokenizer.json or vocabulary files'];
const URL_MODEL_FILES = ['config.json', 'model.safetensors, model.safetensors.index.json or pytorch_model.bin', 'tokenizer.json (optional)'];
const TRUSTED_KEY = 'playground.trusted-origins';

const isUrl = (name: string) => /^https?:\/\//i.test(name);

/** Where a model or tokenizer named in a link would be fetched from (null: the page's own files). */
export function linkFetch(kind: LinkFetch['kind'], name: string, hubEndpoint: string, pageUrl: string): LinkFetch | null {
  if (kind === 'model' && EMBEDDED_MODELS.some((model) => model.name === name)) return null;
  if (kind === 'tokenizer' && isBuiltinTokenizerName(name)) return null;
  let location: URL;
  try {
    location = isUrl(name) || /^\.{0,2}\//.test(name) ? new URL(name, pageUrl) : new URL(`${hubEndpoint.replace(/\/+$/, '')}/${name.split('@')[0]}/`);
  } catch {
    return null; // not a place at all: the load itself refuses the name, fetching nothing
  }
  const hub = !isUrl(name) && !/^\.{0,2}\//.test(name);
  const files = kind === 'model' ? (hub ? HUB_MODEL_FILES : URL_MODEL_FILES) : name.endsWith('.json') ? ['tokenizer.json'] : ['tokenizer.json or vocabulary files'];
  return { kind, name, origin: location.origin, location: location.href, files };
}

export function linkRequest(params: URLSearchParams, pageUrl: string): LinkRequest {
  const hubEndpoint = (params.get('hub') ?? '').replace(/\/+$/, '') || DEFAULT_HUB_ENDPOINT;
  const model = urlModel(params);
  const tokenizers = (params.get('tok') ?? '').split(',').map((name) => name.trim()).filter(Boolean);
  const fetches = [
    ...(model ? [linkFetch('model', model, hubEndpoint, pageUrl)] : []),
    ...tokenizers.map((name) => linkFetch('tokenizer', name, hubEndpoint, pageUrl)),
  ].filter((fetch): fetch is LinkFetch => fetch !== null);
  return { model, tokenizers, hubEndpoint, fetches };
}

/** Origins that load without asking: the page's own, the built-in Hub endpoint, and those the person trusted. */
export function originAllowed(origin: string, pageOrigin: string, trusted: readonly string[]): boolean {
  return origin === pageOrigin || origin === new URL(DEFAULT_HUB_ENDPOINT).origin || trusted.includes(origin);
}

export function trustedOrigins(): string[] {
  try {
    const stored: unknown = JSON.parse(localStorage.getItem(TRUSTED_KEY) ?? '[]');
    return Array.isArray(stored) ? stored.filter((origin): origin is string => typeof origin === 'string') : [];
  } catch {
    return [];
  }
}

/** Remembers origins the person chose to load from (their own action or a confirmed link). */
export function trustOrigins(origins: readonly string[]): void {
  const known = trustedOrigins();
  const added = origins.filter((origin) => !known.includes(origin) && origin !== location.origin);
  if (added.length === 0) return;
  try {
    localStorage.setItem(TRUSTED_KEY, JSON.stringify([...known, ...added]));
  } catch {
    // storage full or disabled: the next link asks again
  }
  useLinkConsent.setState({ trusted: trustedOrigins() });
}

export function forgetTrustedOrigins(): void {
  try {
    localStorage.removeItem(TRUSTED_KEY);
  } catch {
    // nothing kept
  }
  useLinkConsent.setState({ trusted: [] });
}

/** The origin a model or tokenizer name was loaded from (for remembering), or null for the page's own files. */
export function originOfName(kind: LinkFetch['kind'], name: string, hubEndpoint: string): string | null {
  if (name === 'local files') return null;
  return linkFetch(kind, name, hubEndpoint, location.href)?.origin ?? null;
}

export interface LinkConsentState {
  /** The link's loads waiting for the person, with what they would fetch. */
  pending?: LinkRequest;
  /** Origins trusted in this browser. */
  trusted: string[];
  /** Origins the page's Content-Security-Policy refused to connect to (the person can add them; see the README). */
  blocked: string[];
  /** Called with the person's answer; set by urlSync. */
  answer?: (allow: boolean) => void;
}

export const useLinkConsent = create<LinkConsentState>()(() => ({ trusted: [], blocked: [] }));

/** Fills in file sizes from an earlier load kept in this browser's cache (asking the origin nothing). */
export async function addCachedSizes(request: LinkRequest): Promise<LinkRequest> {
  const cache = await openBrowserCache().catch(() => null);
  const entries = cache ? await cache.list().catch(() => []) : [];
  if (entries.length === 0) return request;
  const fetches = request.fetches.map((fetch) => {
    const base = fetch.location.replace(/\/+$/, '');
    const hubModel = `${request.hubEndpoint}/${fetch.name.split('@')[0]}@`;
    const files = entries.filter(({ meta }) => meta.file !== REVISION_INFO && (meta.model.replace(/\/+$/, '') === base || (fetch.kind === 'model' && meta.model.startsWith(hubModel))));
    return files.length === 0 ? fetch : { ...fetch, sizes: Object.fromEntries(files.map(({ meta }) => [meta.file, meta.size])) };
  });
  return { ...request, fetches };
}

/** Records connect-src refusals of the page's policy, so the page can say how to allow an origin. */
export function watchPolicyRefusals(): void {
  document.addEventListener('securitypolicyviolation', (event) => {
    if (event.effectiveDirective !== 'connect-src' || !/^https?:/.test(event.blockedURI)) return;
    const origin = new URL(event.blockedURI).origin;
    const { blocked } = useLinkConsent.getState();
    if (!blocked.includes(origin)) useLinkConsent.setState({ blocked: [...blocked, origin] });
  });
}
