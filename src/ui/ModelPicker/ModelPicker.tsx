import { useState, type FormEvent } from 'react';
import { useAppStore } from '../../state/store';
import { EMBEDDED_MODELS, HUB_SUGGESTIONS } from '../../state/engineActions';
import { formatBytes } from '../../common/format';
import { LocalFilesInput } from './LocalFilesInput';
import { LoadProgressBar } from './LoadProgressBar';
import { FastCpuModeToggle } from './FastCpuModeToggle';
import { WeightsField, WEIGHT_NAMES } from './WeightsField';
import { CachePanel } from './CachePanel';
import './ModelPicker.css';

/** Choose the model: embedded defaults, a Hub id or URL, or local files (picker or drag-and-drop). */
export function ModelPicker() {
  const status = useAppStore((s) => s.modelStatus);
  const model = useAppStore((s) => s.model);
  const error = useAppStore((s) => s.modelError);
  const loadModel = useAppStore((s) => s.loadModel);
  const hubEndpoint = useAppStore((s) => s.hubEndpoint);
  const setHubEndpoint = useAppStore((s) => s.setHubEndpoint);
  const hubRevision = useAppStore((s) => s.hubRevision);
  const setHubRevision = useAppStore((s) => s.setHubRevision);
  const hubToken = useAppStore((s) => s.hubToken);
  const rememberHubToken = useAppStore((s) => s.rememberHubToken);
  const setHubToken = useAppStore((s) => s.setHubToken);
  const notices = useAppStore((s) => s.loadNotices);
  const [remote, setRemote] = useState('');

  const submitRemote = (event: FormEvent) => {
    event.preventDefault();
    if (remote.trim()) void loadModel(remote.trim());
  };

  return (
    <section className="pane model-picker" aria-labelledby="model-title" data-model-status={status}>
      <h2 id="model-title">Model</h2>
      {model && (
        <p data-testid="model-summary">
          <strong>{model.name}</strong> · {model.familyLabel} {model.kind}{model.kvHeads !== model.heads ? ` (${model.kvHeads} kv heads)` : ''} · {model.layers} layers ·{' '}
          {model.heads} heads · width {model.width} · on {model.backend === 'webgpu' ? 'WebGPU' : 'the CPU (slow)'}
          <br />
          <span className="muted">
            weights {formatBytes(model.memory.weightsBytes)} ({WEIGHT_NAMES[model.weights]})
            {model.memory.cacheBytes > 0 && ` · KV cache ${formatBytes(model.memory.cacheBytes)}`} · activations up to{' '}
            {formatBytes(model.memory.activationBytes)}
          </span>
        </p>
      )}
      {EMBEDDED_MODELS.length > 0 && (
        <div className="inline-form" role="group" aria-label="Embedded models">
          {EMBEDDED_MODELS.map((embedded) => (
            <button
              key={embedded.name}
              type="button"
              className="embedded-model"
              aria-pressed={model?.name === embedded.name}
              disabled={status === 'loading'}
              onClick={() => void loadModel(embedded.name)}
            >
              {embedded.name}
              {model?.name === embedded.name && <span className="visually-hidden"> (loaded)</span>}
            </button>
          ))}
        </div>
      )}
      <form className="inline-form" onSubmit={submitRemote}>
        <label className="grow model-source">
          <span className="visually-hidden">Hub id or URL</span>
          <input
            list="hub-suggestions"
            value={remote}
            onChange={(event) => setRemote(event.target.value)}
            placeholder="Hub id (gpt2) or https:// URL"
            data-testid="model-source"
          />
        </label>
        <datalist id="hub-suggestions">
          {HUB_SUGGESTIONS.map(({ id, family }) => <option key={id} value={id} label={`${id} (${family})`} />)}
        </datalist>
        <button type="submit" disabled={status === 'loading' || !remote.trim()}>Load</button>
        <div className="inline-form hub-access">
          <label className="field small">
            <span className="muted">Revision (Hub ids; or id@revision)</span>
            <input
              value={hubRevision}
              onChange={(event) => setHubRevision(event.target.value)}
              placeholder="main"
              spellCheck={false}
              data-testid="hub-revision"
            />
          </label>
          <label className="field small grow">
            <span className="muted">Access token (gated or private models; sent only to the Hub endpoint)</span>
            <input
              type="password"
              autoComplete="off"
              value={hubToken}
              onChange={(event) => setHubToken(event.target.value, rememberHubToken)}
              placeholder="hf_…"
              data-testid="hub-token"
            />
          </label>
          <label className="small">
            <input
              type="checkbox"
              checked={rememberHubToken}
              onChange={(event) => setHubToken(hubToken, event.target.checked)}
              data-testid="hub-token-remember"
            />{' '}
            Remember in this browser
          </label>
        </div>
      </form>
      <LocalFilesInput disabled={status === 'loading'} onFiles={(files) => void loadModel(files)} />
      <details>
        <summary>Hub endpoint</summary>
        <label className="field">
          <span className="muted">Models by id load from {'<endpoint>/<id>/resolve/<revision>/<file>'}</span>
          <input defaultValue={hubEndpoint} onBlur={(event) => setHubEndpoint(event.target.value)} data-testid="hub-endpoint" />
        </label>
      </details>
      <WeightsField />
      <FastCpuModeToggle />
      {status === 'loading' && <LoadProgressBar />}
      {status === 'error' && <p className="error" role="alert">{error}</p>}
      {notices.map((notice) => (
        <p key={notice} className="notice" role="status" data-testid="load-notice">
          {notice}
        </p>
      ))}
      <CachePanel />
    </section>
  );
}
