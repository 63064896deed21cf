import { useEffect, useRef, type FormEvent } from 'react';
import { useAppStore } from '../../state/store';
import { NextTokenTable } from './NextTokenTable';
import { SamplingFields } from './SamplingFields';

/** Text generation with a decoder: tokens stream into the page as they come; a table shows the next-token probabilities. */
export function GeneratePanel() {
  const model = useAppStore((s) => s.model);
  const prompt = useAppStore((s) => s.generatePrompt);
  const setPrompt = useAppStore((s) => s.setGeneratePrompt);
  const settings = useAppStore((s) => s.generateSettings);
  const setSettings = useAppStore((s) => s.setGenerateSettings);
  const running = useAppStore((s) => s.generateStatus === 'running');
  const generatedFor = useAppStore((s) => s.generateFor);
  const message = useAppStore((s) => s.generateMessage);
  const step = useAppStore((s) => s.generateStep);
  const start = useAppStore((s) => s.startGeneration);
  const stop = useAppStore((s) => s.stopGeneration);
  const output = useRef<HTMLSpanElement>(null);

  // Streamed text goes straight to the DOM: no React render per token.
  useEffect(() => {
    const write = (text: string) => {
      if (output.current) output.current.textContent = text;
    };
    write(useAppStore.getState().generateOutput);
    return useAppStore.subscribe((state, previous) => state.generateOutput !== previous.generateOutput && write(state.generateOutput));
  }, [model]);

  if (model?.kind !== 'decoder') {
    return <p className="muted">Load a decoder (GPT-2 or a relative; the picker on the right) to generate text.</p>;
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void start();
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
          <button type="button" disabled={!running} onClick={stop}>Stop</button>
        </div>
      </form>
      <p className="generated" aria-live="polite" data-testid="generate-output">
        <span className="muted">{generatedFor?.prompt ?? prompt}</span>
        <span ref={output} />
      </p>
      {message && <p className="muted" role="status" data-testid="generate-status">{message}</p>}
      <NextTokenTable step={step} />
    </div>
  );
}
