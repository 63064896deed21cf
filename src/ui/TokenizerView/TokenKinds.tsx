import { useEffect, useState } from 'react';
import { tokenizerClient } from '../../state/engineActions';
import type { KindSummary } from '../../tokenizers/protocol';
import type { TokenizeResult } from '../../state/tokenizeSlice';

interface Row extends KindSummary {
  kind: string;
  note: string;
}

const VOCABULARY_SOURCE = 'bert-base-uncased';

/** A token as it is, with only invisible characters made visible (no JSON escapes: `"` stays `"`). */
const showControls = (token: string) => token.replace(/\n/g, '↵').replace(/\t/g, '⇥').replace(/\r/g, '␍');

/**
 * The tutorial's three kinds side by side on the same text. Word and character vocabularies are taken from
 * bert-base-uncased's own vocabulary (its whole words; its single characters), so the budgets are comparable.
 */
export function TokenKinds({ text, results }: { text: string; results: Record<string, TokenizeResult> }) {
  const [kinds, setKinds] = useState<{ word: KindSummary; character: KindSummary; normalized: boolean }>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    let current = true;
    tokenizerClient()
      .kinds(text, VOCABULARY_SOURCE)
      .then((value) => current && (setKinds(value), setError(undefined)))
      .catch((caught: unknown) => current && setError(caught instanceof Error ? caught.message : String(caught)));
    return () => {
      current = false;
    };
  }, [text]);

  const subwordRows: Row[] = Object.entries(results).flatMap(([name, result]) => {
    const { encoding: head, counts } = result;
    if (!head || !counts || !result.vocabularySize) return [];
    return [{
      kind: `Subword: ${name}`,
      note: name === 'gpt2' ? 'byte-level BPE: never unknown' : 'WordPiece',
      vocabularySize: result.vocabularySize,
      sequenceLength: counts.content,
      unknownCount: counts.unknown,
      sample: head.tokens.filter((_, i) => !head.special[i]).slice(0, 16),
    }];
  });
  const rows: Row[] = [
    ...(kinds ? [{ kind: 'Word', note: 'whole words of the BERT vocabulary', ...kinds.word }] : []),
    ...subwordRows,
    ...(kinds ? [{ kind: 'Character', note: 'single characters of the BERT vocabulary', ...kinds.character }] : []),
  ];

  return (
    <section className="pane" aria-labelledby="kinds-title">
      <h2 id="kinds-title">Word, subword and character tokens</h2>
      <p className="muted">
        Words need a huge vocabulary and still meet unknown words; characters rarely do (only characters the
        vocabulary lacks, such as most emoji), but make sequences long. Subwords sit in between: a fixed vocabulary,
        short sequences, (almost) nothing unknown.
      </p>
      <p className="muted" data-testid="kinds-normalization">
        All three rows read the text after bert-base-uncased&apos;s normaliser (lowercase, accents stripped, so
        &quot;Café&quot; is looked up as &quot;cafe&quot;){kinds?.normalized ? ': here it changed the text.' : '.'}
      </p>
      {error && <p className="error">{error}</p>}
      <table className="kinds-table" data-testid="token-kinds">
        <thead>
          <tr><th>kind</th><th>vocabulary</th><th>sequence length</th><th>unknown</th><th>first tokens</th></tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.kind}>
              <th scope="row">{row.kind}<br /><span className="muted">{row.note}</span></th>
              <td className="num">{row.vocabularySize.toLocaleString()}</td>
              <td className="num">{row.sequenceLength.toLocaleString()}</td>
              <td className="num">{row.unknownCount.toLocaleString()}</td>
              <td className="sample">
                {row.sample.map((token, i) => (
                  <span key={i} className="sample-token">
                    {i > 0 && ' '}
                    <span className="quote">&quot;</span>
                    {showControls(token)}
                    <span className="quote">&quot;</span>
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
