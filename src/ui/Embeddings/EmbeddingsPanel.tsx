import { useState, type FormEvent } from 'react';
import type { SentenceEmbedding } from '../../engine/engine';
import { embedSentence } from '../../state/engineActions';

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

const preview = (vector: Float32Array) => `[${[...vector.slice(0, 6)].map((v) => v.toFixed(3)).join(', ')}, …] (${vector.length} values)`;

/** BERT sentence-pair input with token types, and its [CLS] / mean-pooled embeddings; similarity of the two sentences. */
export function EmbeddingsPanel() {
  const [first, setFirst] = useState('The cat sat on the mat.');
  const [second, setSecond] = useState('A cat was sitting on a rug.');
  const [pair, setPair] = useState<SentenceEmbedding>();
  const [similarity, setSimilarity] = useState<{ cls: number; mean: number }>();
  const [error, setError] = useState<string>();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      const [a, b, joined] = await Promise.all([embedSentence(first), embedSentence(second), embedSentence(first, second)]);
      setPair(joined);
      setSimilarity({ cls: cosine(a.cls, b.cls), mean: cosine(a.mean, b.mean) });
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  };

  return (
    <section className="pane" aria-labelledby="embeddings-title">
      <h2 id="embeddings-title">Sentence pair and embeddings</h2>
      <form onSubmit={submit} className="field">
        <label className="field"><span>Sentence A</span><input value={first} onChange={(e) => setFirst(e.target.value)} /></label>
        <label className="field"><span>Sentence B</span><input value={second} onChange={(e) => setSecond(e.target.value)} /></label>
        <div className="inline-form"><button type="submit">Embed</button></div>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      {pair && similarity && (
        <div data-testid="embeddings-result">
          <ol className="chips" aria-label="pair tokens">
            {pair.tokens.map((token, i) => (
              <li key={i} className={pair.typeIds[i] ? 'chip chip-odd' : 'chip chip-even'} title={`token type ${pair.typeIds[i]}`}>
                <span className="chip-token">{token}</span>
                <span className="chip-id">type {pair.typeIds[i]}</span>
              </li>
            ))}
          </ol>
          <dl className="limits">
            <div><dt>[CLS] of the pair</dt><dd>{preview(pair.cls)}</dd></div>
            <div><dt>mean-pooled</dt><dd>{preview(pair.mean)}</dd></div>
            <div><dt>cosine(A, B), [CLS]</dt><dd>{similarity.cls.toFixed(4)}</dd></div>
            <div><dt>cosine(A, B), mean-pooled</dt><dd>{similarity.mean.toFixed(4)}</dd></div>
          </dl>
        </div>
      )}
    </section>
  );
}
