import { useState, type FormEvent } from 'react';
import type { FineTuneHandle } from '../../finetune/handle';
import type { Classification } from '../../finetune/run';

const percent = (probability: number) => `${(probability * 100).toFixed(1)}%`;

/** Classify any sentence with the model as it is now, between training steps. */
export function ClassifyBox({ handle }: { handle: FineTuneHandle }) {
  const [text, setText] = useState('');
  const [result, setResult] = useState<Classification>();
  const [error, setError] = useState<string>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    try {
      setResult(await handle.classify(text));
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  };
  return (
    <form onSubmit={submit} className="ft-classify">
      <h3 className="section-title">Classify a sentence</h3>
      <div className="inline-form">
        <input value={text} onChange={(event) => setText(event.target.value)} placeholder="Type a sentence" aria-label="Sentence to classify" data-testid="ft-classify-input" />
        <button type="submit" disabled={!text.trim()}>Classify</button>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {result && (
        <p data-testid="ft-classify-result" data-label={result.label}>
          Predicted label: <strong>{result.label}</strong> ({percent(result.probabilities.find((p) => p.label === result.label)?.probability ?? 0)}) · every label:{' '}
          {result.probabilities.map((p) => `${p.label}: ${percent(p.probability)}`).join(', ')}
        </p>
      )}
    </form>
  );
}
