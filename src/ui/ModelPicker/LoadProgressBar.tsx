import { useAppStore } from '../../state/store';
import { formatBytes } from '../../common/format';

export function LoadProgressBar() {
  const progress = useAppStore((s) => s.loadProgress);
  const estimate = useAppStore((s) => s.loadEstimate);
  const memory = estimate && (
    <p className="muted" data-testid="load-estimate">
      Needs about {formatBytes(estimate.totalBytes)} on the device: weights {formatBytes(estimate.weightsBytes)}
      {estimate.cacheBytes > 0 && `, KV cache ${formatBytes(estimate.cacheBytes)}`}, activations up to {formatBytes(estimate.activationBytes)}.
    </p>
  );
  if (!progress) return <div role="status"><p className="muted">Preparing…</p>{memory}</div>;
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
      {memory}
    </div>
  );
}
