import { useAppStore } from '../../state/store';
import { formatBytes } from '../common/format';

export function LoadProgressBar() {
  const progress = useAppStore((s) => s.loadProgress);
  if (!progress) return <p className="muted" role="status">Preparing…</p>;
  const current = progress.files.find((file) => !file.done);
  return (
    <div role="status" data-testid="load-progress">
      <progress max={progress.total ?? undefined} value={progress.total ? progress.loaded : undefined} aria-label="download progress" />
      <span className="muted">
        {' '}
        {current ? `Downloading ${current.file}: ` : 'Building the model: '}
        {formatBytes(progress.loaded)}
        {progress.total ? ` of ${formatBytes(progress.total)} (${Math.round(progress.percent ?? 0)}%)` : ''}
      </span>
    </div>
  );
}
