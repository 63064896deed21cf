import type { TokenizeResult } from '../../state/tokenizeSlice';
import { TokenChips } from './TokenChips';
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
  const encoding = result?.encoding;
  return (
    <section className="pane tokenizer-pane" aria-label={`${name} tokens`} data-tokenizer={name} aria-busy={result?.pending ?? true}>
      <header className="pane-header">
        <h3>{name}</h3>
        {encoding && (
          <dl className="stats">
            <div><dt>tokens</dt><dd data-stat="tokens">{encoding.ids.length.toLocaleString()}</dd></div>
            <div><dt>characters</dt><dd>{textLength.toLocaleString()}</dd></div>
            <div><dt>chars / token</dt><dd>{encoding.ids.length ? (textLength / encoding.ids.length).toFixed(2) : '–'}</dd></div>
            {result?.ms !== undefined && <div><dt>time</dt><dd>{result.ms.toFixed(1)} ms</dd></div>}
          </dl>
        )}
        <div className="pane-actions">
          {encoding && <CopyButton label="Copy ids" text={() => JSON.stringify(encoding.ids)} />}
          <button type="button" onClick={onRemove} aria-label={`Remove ${name}`}>✕</button>
        </div>
      </header>
      {result?.error && <p className="error" role="alert">{result.error}</p>}
      {result?.pending && !encoding && <p className="muted">Tokenizing…</p>}
      {encoding && (
        <TokenChips
          encoding={encoding}
          byteLevel={result?.byteLevel ?? false}
          decoded={decoded}
          highlight={highlight}
          onHover={onHover}
        />
      )}
    </section>
  );
}
