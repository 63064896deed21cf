import { useRef, useState, type FormEvent } from 'react';
import { useAppStore } from '../../state/store';
import type { NextTokenRow } from '../../engine/engine';
import { generateText } from '../../state/engineActions';
import { NextTokenTable } from './NextTokenTable';
import { SamplingFields, DEFAULT_SAMPLING, type SamplingSettings } from './SamplingFields';

/** Text generation with a decoder: tokens stream into the page as they come; a table shows the next-token probabilities. */
export function GeneratePanel() {
  const model = useAppStore((s) => s.model);
  const [prompt, setPrompt] = useState('The history of the United States');
  const [settings, setSettings] = useState<SamplingSettings>(DEFAULT_SAMPLING);
  const [running, setRunning] = useState(false);
  const [message, setMessage] = useState<string>();
  const [table, setTable] = useState<NextTokenRow[]>([]);
  const output = useRef<HTMLSpanElement>(null);
  const abort = useRef<AbortController>(undefined);

  if (model?.kind !== 'decoder') {
    return <p className="muted">Load a decoder (GPT-2 or a relative; the picker on the right) to generate text.</p>;
  }

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    abort.current = new AbortController();
    setRunning(true);
    setMessage(undefined);
    if (output.current) output.current.textContent = '';
    try {
      const result = await generateText(prompt, {
        ...settings,
        signal: abort.current.signal,
        topProbabilities: 10,
        // Streamed text goes straight to the DOM: no React render per token.
        onText: (text) => {
          if (output.current) output.current.textContent = text;
        },
        onProbabilities: (rows) => setTable(rows),
      });
      const reasons = { length: 'reached the token limit', 'stop-token': 'the model ended the text', context: 'reached the model\'s context limit', aborted: 'stopped' };
      setMessage(`${result.ids.length} new tokens; ${reasons[result.stoppedBy]}.`);
    } catch (error) {
      setMessage(error instanceof Error ? error.message : String(error));
    } finally {
      setRunning(false);
    }
  };

  return (
    <div className="generate">
      <form onSubmit={submit} className="field">
        <label className="field">
          <span>Prompt</span>
          <textarea value={prompt} onChange={(event) => setPrompt(event.target.value)} rows={3} data-testid="generate-prompt" />
        </label>
        <SamplingFields value={settings} onChange={setSettings} />
        <div className="inline-form">
          <button type="submit" disabled={running}>Generate</button>
          <button type="button" disabled={!running} onClick={() => abort.current?.abort()}>Stop</button>
        </div>
      </form>
      <p className="generated" aria-live="polite" data-testid="generate-output">
        <span className="muted">{prompt}</span>
        <span ref={output} />
      </p>
      {message && <p className="muted" role="status" data-testid="generate-status">{message}</p>}
      <NextTokenTable rows={table} />
    </div>
  );
}
