import { useDeferredValue } from 'react';
import type { TokenizeResult } from '../../state/tokenizeSlice';
import { MAX_CHIPS, TokenChips } from './TokenChips';
import type { CharRange } from './ranges';
import { CopyButton } from '../common/CopyButton';

interface Props {
  name: string;
  result?: TokenizeResult;
  textLength: number;
  decoded: boolean;
  highlight?: CharRange;
  onHover: (range: CharRange | undefined) => void;
  onRemove: () => void;
}

export function TokenizerPane({ name, result, textLength, decoded, highlight, onHover, onRemove }: Props) {
  const { encoding, ids, counts } = result ?? {};
  const streaming = result?.pending && counts !== undefined;
  // The chips render in a transition React splits into short slices: new counts show at once, 600 chips never block.
  const chips = useDeferredValue(encoding);
  return (
    <section className="pane tokenizer-pane" aria-label={`${name} tokens`} data-tokenizer={name} aria-busy={result?.pending ?? true}>
      <header className="pane-header">
        <h2>{name}</h2>
        {counts && (
          <dl className="stats">
            <div><dt>tokens</dt><dd data-stat="tokens">{counts.tokens.toLocaleString()}</dd></div>
            <div><dt>characters</dt><dd>{textLength.toLocaleString()}</dd></div>
            <div><dt>chars / token</dt><dd>{!streaming && counts.tokens ? (textLength / counts.tokens).toFixed(2) : '–'}</dd></div>
            {result?.ms !== undefined && <div><dt>time</dt><dd>{result.ms.toFixed(1)} ms</dd></div>}
          </dl>
        )}
        <div className="pane-actions">
          {ids && !result?.pending && <CopyButton label="Copy ids" text={() => JSON.stringify(ids)} />}
          <button type="button" onClick={onRemove} aria-label={`Remove ${name}`}>✕</button>
        </div>
      </header>
      {result?.error && <p className="error" role="alert">{result.error}</p>}
      {result?.pending && !counts && <p className="muted">Tokenizing…</p>}
      {streaming && (
        <p className="muted" role="status" data-testid="tokenize-progress">
          Tokenizing in the worker: {(result.doneChars ?? 0).toLocaleString()} of {textLength.toLocaleString()} characters so far…
        </p>
      )}
      {chips && <TokenChips encoding={chips} byteLevel={result?.byteLevel ?? false} decoded={decoded} highlight={highlight} onHover={onHover} />}
      {counts && counts.tokens > MAX_CHIPS && (
        <p className="muted">
          Showing the first {MAX_CHIPS.toLocaleString()} of {counts.tokens.toLocaleString()} tokens.
        </p>
      )}
    </section>
  );
}
