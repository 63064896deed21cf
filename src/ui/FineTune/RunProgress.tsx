import { useEffect, useRef } from 'react';
import { useAppStore } from '../../state/store';
import type { FineTuneHandle } from '../../finetune/handle';
import type { StepProgress } from '../../finetune/session';

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '…';
  const s = Math.round(seconds);
  return s < 60 ? `${s} s` : s < 3600 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function describeProgress(p: StepProgress): string {
  return `step ${p.step} / ${p.totalSteps} · epoch ${p.epoch} / ${p.epochs} (${p.stepInEpoch} / ${p.stepsPerEpoch}) · loss ${p.loss.toFixed(4)} · ` +
    `${p.tokensPerSecond.toFixed(0)} tokens/s · ETA ${formatSeconds(p.etaSeconds)}`;
}

/** The progress bar and its line, written straight into the DOM on every step (no React render), and the controls. */
export function RunProgress({ handle, totalSteps, doneSteps }: { handle: FineTuneHandle; totalSteps: number; doneSteps: number }) {
  const status = useAppStore((s) => s.fineTuneStatus);
  const bar = useRef<HTMLProgressElement>(null);
  const line = useRef<HTMLSpanElement>(null);
  useEffect(
    () =>
      handle.on('progress', (p) => {
        if (bar.current) bar.current.value = p.step;
        if (line.current) line.current.textContent = describeProgress(p);
      }),
    [handle],
  );
  return (
    <div className="ft-progress" data-testid="ft-progress" data-status={status}>
      <progress ref={bar} max={totalSteps} defaultValue={doneSteps} aria-label="training progress" />
      <span ref={line} className="ft-progress-line" data-testid="ft-progress-line">{status === 'running' ? 'validating before the first step…' : `step ${doneSteps} / ${totalSteps}`}</span>
      <div className="inline-form">
        <span className={`ft-status ft-status-${status}`}>{status}</span>
        <button onClick={() => handle.pause()} disabled={status !== 'running'}>Pause</button>
        <button onClick={() => handle.resume()} disabled={status !== 'paused'}>Resume</button>
        <button onClick={() => handle.stop()} disabled={status !== 'running' && status !== 'paused'}>Stop</button>
      </div>
    </div>
  );
}
