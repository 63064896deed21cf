import { useEffect, useRef, type FormEvent, type KeyboardEvent } from 'react';
import { useAppStore } from '../../state/store';
import { BLOCK_STAGES, WALKTHROUGH_STAGES, type StageId } from '../../state/howItWorksSlice';
import { ArchitectureDiagram } from './ArchitectureDiagram';
import { stageLabel, step } from './stages';
import { StageDetail } from './StageDetail';
import './HowItWorks.css';

const OUTPUT_STAGES: readonly StageId[] = ['final-norm', 'logits', 'output'];
const DEPTH_STAGES: readonly StageId[] = ['stream', 'lens'];

/** "How it works": the loaded model's forward pass on the page's text, stage by stage, with the engine's numbers. */
export function HowItWorksPanel() {
  const model = useAppStore((s) => s.model);
  const text = useAppStore((s) => s.text);
  const setText = useAppStore((s) => s.setText);
  const position = useAppStore((s) => s.walkthrough);
  const setWalkthrough = useAppStore((s) => s.setWalkthrough);
  const run = useAppStore((s) => s.runWalkthrough);
  const input = useAppStore((s) => s.walkthroughInput);
  const view = useAppStore((s) => s.walkthroughTrace);
  const status = useAppStore((s) => s.walkthroughStatus);
  const error = useAppStore((s) => s.walkthroughError);
  const list = useRef<HTMLDivElement>(null);

  // A model that loads (or is loaded when the tab opens) walks through the page's text at once.
  useEffect(() => {
    if (model) void run();
  }, [model, run]);

  // The keyboard moves the selection; focus follows it when the list has focus.
  useEffect(() => {
    const element = list.current;
    if (element?.contains(document.activeElement)) element.querySelector<HTMLElement>('[aria-selected="true"]')?.focus();
  }, [position.stage, position.layer]);

  if (!model) return <p className="muted">Load a model (the picker on the right) to walk through its forward pass.</p>;
  const { L, H } = model.config.dims;
  const swiglu = view?.architecture.mlp === 'swiglu';
  const T = input?.ids.length ?? 0;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run();
  };
  const onKey = (event: KeyboardEvent) => {
    const move = (patch: Parameters<typeof setWalkthrough>[0]) => {
      event.preventDefault();
      setWalkthrough(patch);
    };
    if (event.key === 'ArrowDown' || event.key === 'ArrowRight') move(step(position, 1, L));
    else if (event.key === 'ArrowUp' || event.key === 'ArrowLeft') move(step(position, -1, L));
    else if (event.key === 'Home') move({ stage: 'tokens' });
    else if (event.key === 'End') move({ stage: WALKTHROUGH_STAGES.at(-1) });
    else if (event.key === 'PageDown' && BLOCK_STAGES.includes(position.stage)) move({ layer: Math.min(L - 1, position.layer + 1) });
    else if (event.key === 'PageUp' && BLOCK_STAGES.includes(position.stage)) move({ layer: Math.max(0, position.layer - 1) });
  };
  const tab = (stage: StageId) => {
    const selected = stage === position.stage;
    return (
      <button
        key={stage}
        type="button"
        role="tab"
        id={`hiw-tab-${stage}`}
        aria-selected={selected}
        aria-controls="hiw-stage"
        tabIndex={selected ? 0 : -1}
        className="hiw-stage-tab"
        onClick={() => setWalkthrough({ stage })}
        data-testid={`hiw-stage-${stage}`}
      >
        {stageLabel(stage, model, swiglu)}
      </button>
    );
  };

  return (
    <section
      className="hiw"
      aria-label="How it works"
      data-testid="hiw-panel"
      data-status={status}
      data-stage={position.stage}
      data-layer={position.layer}
      data-head={position.head}
      data-token={position.token}
      data-tokens={T}
      data-traced-layer={view?.layers.findIndex((layer) => layer !== undefined)}
      data-traced-head={view?.head}
    >
      <form className="hiw-input" onSubmit={submit}>
        <label className="field">
          <span>Text</span>
          <textarea value={text} onChange={(event) => setText(event.target.value)} rows={2} data-testid="hiw-text" />
        </label>
        <div className="inline-form">
          <button type="submit" data-testid="hiw-run">Walk through this text</button>
          {status === 'running' && <span className="muted" role="status">Running {model.name}…</span>}
        </div>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      <ArchitectureDiagram model={model} architecture={view?.architecture} stage={position.stage} layer={position.layer} onPick={(stage) => setWalkthrough({ stage })} />
      <div className="hiw-pickers">
        <label>
          Block
          <select value={position.layer} onChange={(event) => setWalkthrough({ layer: Number(event.target.value) })} data-testid="hiw-layer">
            {Array.from({ length: L }, (_, l) => (
              <option key={l} value={l}>{l}</option>
            ))}
          </select>
        </label>
        <label>
          Head
          <select value={position.head} onChange={(event) => setWalkthrough({ head: Number(event.target.value) })} data-testid="hiw-head">
            {Array.from({ length: H }, (_, h) => (
              <option key={h} value={h}>{h}</option>
            ))}
          </select>
        </label>
        <label>
          Token
          <select value={position.token} onChange={(event) => setWalkthrough({ token: Number(event.target.value) })} data-testid="hiw-token-picker">
            {input?.tokens.map((token, t) => (
              <option key={t} value={t}>{t}: {JSON.stringify(token)}</option>
            ))}
          </select>
        </label>
      </div>
      <div className="hiw-body">
        <div ref={list} className="hiw-stages" role="tablist" aria-orientation="vertical" aria-label="Stages (arrow keys: next and previous, Page Up/Down: block)" onKeyDown={onKey}>
          {tab('tokens')}
          {tab('embeddings')}
          <span className="hiw-stage-group" aria-hidden="true">Block {position.layer} of {L}</span>
          {BLOCK_STAGES.map(tab)}
          <span className="hiw-stage-group" aria-hidden="true">Output</span>
          {OUTPUT_STAGES.map(tab)}
          <span className="hiw-stage-group" aria-hidden="true">Across the depth</span>
          {DEPTH_STAGES.map(tab)}
        </div>
        <div role="tabpanel" id="hiw-stage" aria-labelledby={`hiw-tab-${position.stage}`} className="hiw-detail" data-testid="hiw-detail">
          <h2>
            {stageLabel(position.stage, model, swiglu)}
            {BLOCK_STAGES.includes(position.stage) && <span className="muted"> · block {position.layer}</span>}
          </h2>
          {input && view ? <StageDetail model={model} input={input} view={view} position={position} /> : <p className="muted" role="status" data-testid="hiw-waiting">Running the model…</p>}
        </div>
      </div>
    </section>
  );
}
