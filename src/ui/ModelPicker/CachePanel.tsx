import { formatBytes } from '../../common/format';
import { useStoredModels } from './useStoredModels';

/** The models kept in this browser's Cache Storage: what each one is and weighs, a delete button, persistence. */
export function CachePanel() {
  const { models, figures, available, refresh, remove, persist } = useStoredModels();
  const total = models.reduce((sum, model) => sum + model.bytes, 0);
  return (
    <details className="cache-panel" data-testid="cache-panel" onToggle={(event) => event.currentTarget.open && void refresh()}>
      <summary>
        Stored models {available ? `(${models.length}, ${formatBytes(total)})` : '(no cache in this browser)'}
      </summary>
      {figures.usage !== null && figures.quota !== null && (
        <p className="muted" data-testid="storage-estimate">
          This site stores {formatBytes(figures.usage)} of the {formatBytes(figures.quota)} the browser allows it
          {figures.persisted ? '; storage is persistent.' : '.'}
        </p>
      )}
      {figures.persisted === false && (
        <button type="button" onClick={() => void persist()} data-testid="persist-storage">
          Keep stored models when the browser needs space
        </button>
      )}
      {models.length > 0 ? (
        <ul className="stored-models" aria-label="Stored models">
          {models.map((model) => (
            <li key={model.model} data-testid="stored-model">
              <span className="label" title={model.files.join(', ')}>
                {model.repo ?? model.label}
              </span>
              <span className="muted">
                {model.revision ?? 'no revision'}
                {model.commit && ` (${model.commit.slice(0, 10)})`} · {model.files.length} files · {formatBytes(model.bytes)}
              </span>
              <button type="button" onClick={() => void remove(model)} aria-label={`Delete ${model.label} ${model.commit ?? ''}`.trim()}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      ) : (
        available && <p className="muted">Nothing stored yet: models downloaded from the Hub or a URL are kept here.</p>
      )}
    </details>
  );
}
