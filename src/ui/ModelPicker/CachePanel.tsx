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
        <table className="cache-table">
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Revision</th>
              <th scope="col">Size</th>
              <th scope="col">
                <span className="visually-hidden">Delete</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {models.map((model) => (
              <tr key={model.model} data-testid="stored-model">
                <td title={model.files.join(', ')}>{model.repo ?? model.label}</td>
                <td>
                  {model.revision ?? '—'}
                  {model.commit && <span className="muted"> ({model.commit.slice(0, 10)})</span>}
                </td>
                <td>{formatBytes(model.bytes)}</td>
                <td>
                  <button type="button" onClick={() => void remove(model)} aria-label={`Delete ${model.label} ${model.commit ?? ''}`.trim()}>
                    Delete
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        available && <p className="muted">Nothing stored yet: models downloaded from the Hub or a URL are kept here.</p>
      )}
    </details>
  );
}
