import { useEffect } from 'react';
import { useAppStore } from '../../state/store';

/** Runs kept in IndexedDB: an interrupted one (reload, crash, stop, NaN) resumes from its last good checkpoint. */
export function SavedRuns() {
  const runs = useAppStore((s) => s.savedRuns);
  const active = useAppStore((s) => s.fineTune?.handle.runId);
  const status = useAppStore((s) => s.fineTuneStatus);
  const refresh = useAppStore((s) => s.refreshSavedRuns);
  const resume = useAppStore((s) => s.resumeFineTune);
  const remove = useAppStore((s) => s.deleteSavedRun);
  useEffect(() => void refresh().catch(() => undefined), [refresh]);
  const shown = runs.filter((run) => run.runId !== active || status !== 'running');
  if (shown.length === 0) return null;
  return (
    <section className="ft-saved" data-testid="ft-saved-runs">
      <h2 className="section-title">Saved runs</h2>
      <ul>
        {shown.map((run) => (
          <li key={run.runId} data-testid="ft-saved-run" data-run-id={run.runId}>
            {new Date(run.createdAt).toLocaleString()} · {run.task} on {run.modelName} · {run.status} · checkpoint at step {run.checkpointStep}
            {run.message && <span className="muted"> — {run.message}</span>}{' '}
            {run.status !== 'done' && <button onClick={() => void resume(run.runId).catch(() => undefined)} disabled={status === 'running' || status === 'starting'}>Resume from checkpoint</button>}{' '}
            <button onClick={() => void remove(run.runId)}>Delete</button>
          </li>
        ))}
      </ul>
    </section>
  );
}
