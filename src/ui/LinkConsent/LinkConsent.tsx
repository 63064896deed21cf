import { useEffect, useRef } from 'react';
import { forgetTrustedOrigins, useLinkConsent, type LinkFetch } from '../../state/linkConsent';
import { formatBytes } from '../../common/format';
import './LinkConsent.css';

function FetchList({ fetch }: { fetch: LinkFetch }) {
  const sized = fetch.sizes && Object.keys(fetch.sizes).length > 0;
  return (
    <li data-testid="link-consent-fetch" data-origin={fetch.origin}>
      <strong>{fetch.kind === 'model' ? 'Model' : 'Tokenizer'}</strong> <code>{fetch.name}</code> from <strong className="consent-origin">{fetch.origin}</strong>
      <div className="muted consent-location">{fetch.location}</div>
      {sized ? (
        <ul className="consent-files">
          {Object.entries(fetch.sizes!).map(([file, size]) => (
            <li key={file}>
              {file} · {formatBytes(size)}
            </li>
          ))}
          <li className="muted">Sizes from this browser's copy of an earlier load (the server is asked whether it changed).</li>
        </ul>
      ) : (
        <ul className="consent-files">
          {fetch.files.map((file) => (
            <li key={file}>{file}</li>
          ))}
          <li className="muted">Sizes are not known before the server is asked. config.json comes first: a model too big for this device is refused before any weights download.</li>
        </ul>
      )}
    </li>
  );
}

/**
 * Asks before a link loads anything from another origin (see state/linkConsent.ts); also says when the page's
 * security policy blocked a request, and how to allow that origin.
 */
export function LinkConsent() {
  const pending = useLinkConsent((s) => s.pending);
  const answer = useLinkConsent((s) => s.answer);
  const blocked = useLinkConsent((s) => s.blocked);
  const trusted = useLinkConsent((s) => s.trusted);
  const dialog = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (pending) dialog.current?.querySelector<HTMLButtonElement>('[data-testid="link-consent-deny"]')?.focus();
  }, [pending]);

  return (
    <>
      {pending && answer && (
        <div className="consent-backdrop">
          <div ref={dialog} className="pane consent-dialog" role="dialog" aria-modal="true" aria-labelledby="consent-title" data-testid="link-consent">
            <h2 id="consent-title">This link loads files from another site</h2>
            <p>Nothing has been fetched yet. If you go on, the page will download:</p>
            <ul className="consent-fetches">
              {pending.fetches.map((fetch) => (
                <FetchList key={`${fetch.kind}:${fetch.name}`} fetch={fetch} />
              ))}
            </ul>
            <p className="muted">
              Load only what you expect from a site you trust. Origins you load from are remembered in this browser, so their links open without this
              question{trusted.length > 0 ? ` (remembered now: ${trusted.join(', ')})` : ''}.
            </p>
            <div className="consent-actions">
              <button type="button" onClick={() => answer(true)} data-testid="link-consent-allow">
                Load from {[...new Set(pending.fetches.map((fetch) => fetch.origin))].join(', ')}
              </button>
              <button type="button" onClick={() => answer(false)} data-testid="link-consent-deny">
                Don't load
              </button>
              {trusted.length > 0 && (
                <button type="button" onClick={forgetTrustedOrigins} data-testid="link-consent-forget">
                  Forget remembered origins
                </button>
              )}
            </div>
          </div>
        </div>
      )}
      {blocked.length > 0 && (
        <p className="warning consent-blocked" role="status" data-testid="csp-blocked">
          The page's security policy (connect-src) blocked requests to {blocked.join(', ')}. To load from there, add the origin when building or serving the
          app: <code>PLAYGROUND_CONNECT_SRC="{blocked.join(' ')}" npm run build</code> (README, Static hosting).
        </p>
      )}
    </>
  );
}
