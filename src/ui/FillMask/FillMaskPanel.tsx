import type { FormEvent } from 'react';
import { useAppStore } from '../../state/store';
import { EmbeddingsPanel } from '../Embeddings/EmbeddingsPanel';

/** Fill-mask with an encoder's masked-LM head: the top predictions with probabilities for each mask token. */
export function FillMaskPanel() {
  const model = useAppStore((s) => s.model);
  const text = useAppStore((s) => s.fillMaskText);
  const setText = useAppStore((s) => s.setFillMaskText);
  const running = useAppStore((s) => s.fillMaskStatus === 'running');
  const shown = useAppStore((s) => s.fillMaskResult);
  const error = useAppStore((s) => s.fillMaskError);
  const run = useAppStore((s) => s.runFillMask);

  if (model?.kind !== 'encoder') {
    return <p className="muted">Load an encoder (BERT, DistilBERT, RoBERTa; the picker on the right) to fill masks.</p>;
  }
  const mask = model.maskToken ?? '[MASK]';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run();
  };

  return (
    <div className="fill-mask">
      <form onSubmit={submit} className="field">
        <label className="field">
          <span>Text with one or more {mask} tokens</span>
          <textarea value={text} onChange={(event) => setText(event.target.value)} rows={2} data-testid="fill-mask-input" />
        </label>
        <div className="inline-form">
          <button type="submit" disabled={running}>Fill mask</button>
          {running && <span className="muted" role="status">Running {model.name}…</span>}
        </div>
      </form>
      {error && <p className="error" role="alert" data-testid="fill-mask-error">{error}</p>}
      {shown && (
        <p className="muted" data-testid="fill-mask-for">
          {shown.model} on {JSON.stringify(shown.text.length > 80 ? `${shown.text.slice(0, 80)}…` : shown.text)}:
        </p>
      )}
      {shown?.result.masks.map((entry, index) => (
        <table key={entry.position} className="probability-table" aria-label={`predictions for mask ${index + 1}`} data-testid="fill-mask-result">
          <caption>{mask} #{index + 1} (token {entry.position})</caption>
          <tbody>
            {entry.predictions.map((prediction) => (
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
