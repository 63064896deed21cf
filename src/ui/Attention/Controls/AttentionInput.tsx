import { useState, type FormEvent } from 'react';
import { useAppStore } from '../../../state/store';
import { NumberField } from '../../common/NumberField';

/** The text (shared with the tokenizer tab), a second sentence for BERT, Run, and generation for GPT-2. */
export function AttentionInput() {
  const model = useAppStore((s) => s.model);
  const text = useAppStore((s) => s.text);
  const setText = useAppStore((s) => s.setText);
  const pair = useAppStore((s) => s.attentionPair);
  const setPair = useAppStore((s) => s.setAttentionPair);
  const status = useAppStore((s) => s.attentionStatus);
  const run = useAppStore((s) => s.runAttention);
  const generate = useAppStore((s) => s.generateAttention);
  const [newTokens, setNewTokens] = useState(8);
  const busy = status === 'running' || status === 'generating';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    run().catch(() => undefined); // the tab shows the error
  };

  return (
    <form className="attention-input" onSubmit={submit}>
      <label className="field">
        <span>{model?.kind === 'encoder' ? 'Sentence A' : 'Text'}</span>
        <textarea value={text} onChange={(event) => setText(event.target.value)} rows={2} data-testid="attention-text" />
      </label>
      {model?.kind === 'encoder' && (
        <label className="field">
          <span>Sentence B (optional: a pair, token types 0 then 1)</span>
          <textarea value={pair} onChange={(event) => setPair(event.target.value)} rows={1} data-testid="attention-pair" />
        </label>
      )}
      <div className="inline-form">
        <button type="submit" disabled={busy || !model} data-testid="attention-run">Show attention</button>
        {model?.kind === 'decoder' && (
          <>
            <NumberField label="New tokens" ariaLabel="New tokens" name="New tokens" value={newTokens} min={1} max={64} integer onChange={setNewTokens} className="inline-form" />
            <button type="button" disabled={busy} onClick={() => void generate(newTokens)} data-testid="attention-generate">Generate, watching attention</button>
          </>
        )}
        {busy && <span className="muted" role="status">{status === 'running' ? 'Running the model…' : 'Generating…'}</span>}
      </div>
    </form>
  );
}
