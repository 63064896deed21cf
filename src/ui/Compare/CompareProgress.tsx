import { useEffect, useState } from 'react';
import type { CompareProgress as Progress } from '../../state/compareSlice';

/** Which engine runs now, which pass of how many, and the seconds so far (a comparison on a software adapter takes a while). */
export function CompareProgress({ progress }: { progress: Progress }) {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(performance.now()), 500);
    return () => clearInterval(timer);
  }, []);
  const seconds = Math.max(0, (now - progress.startedAt) / 1000);
  return (
    <div className="compare-progress" role="status" data-testid="compare-progress">
      <progress max={progress.total} value={progress.done} aria-label="forward passes done" />
      <span>
        {progress.step} · {progress.done} of {progress.total} forward passes done · {seconds.toFixed(0)} s
      </span>
    </div>
  );
}
