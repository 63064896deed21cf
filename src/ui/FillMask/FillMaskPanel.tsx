import { useState, type FormEvent } from 'react';
import { useAppStore } from '../../state/store';
import type { FillMaskResult } from '../../engine/engine';
import { fillMask } from '../../state/engineActions';
import { EmbeddingsPanel } from '../Embeddings/EmbeddingsPanel';

/** Fill-mask with an encoder's masked-LM head: the top predictions with probabilities for each mask token. */
export function FillMaskPanel() {
  const model = useAppStore((s) => s.model);
  const [text, setText] = useState('The president addressed the [MASK] of the united states.');
  const [result, setResult] = useState<FillMaskResult>();
  const [error, setError] = useState<string>();
  const [running, setRunning] = useState(false);

  if (model?.kind !== 'encoder') {
    return <p className="muted">Load an encoder (BERT, DistilBERT, RoBERTa; the picker on the right) to fill masks.</p>;
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setRunning(true);
    setError(undefined);
    try {
      setResult(await fillMask(text));
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setRunning(false);
    }
  };

  return (
    <div className="fill-mask">
      <form onSubmit={submit} className="field">
        <label className="field">
          <span>Text with one or more [MASK] tokens</span>
          <textarea value={text} onChange={(event) => setText(event.target.value)} rows={2} data-testid="fill-mask-input" />
        </label>
        <div className="inline-form">
          <button type="submit" disabled={running}>Fill mask</button>
        </div>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      {result?.masks.map((mask, index) => (
        <table key={mask.position} className="probability-table" aria-label={`predictions for mask ${index + 1}`} data-testid="fill-mask-result">
          <caption>[MASK] #{index + 1} (token {mask.position})</caption>
          <tbody>
            {mask.predictions.map((prediction) => (
              <tr key={prediction.id}>
                <td className="token-cell">{prediction.token}</td>
                <td className="num">{prediction.id}</td>
                <td>
                  <span className="bar" style={{ width: `${Math.max(1, prediction.probability * 100)}%` }} />
                  {(prediction.probability * 100).toFixed(1)}%
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
      <EmbeddingsPanel />
    </div>
  );
}
