import { useState, type FormEvent } from 'react';
import { useAppStore } from '../../state/store';
import { EMBEDDED_MODELS, HUB_SUGGESTIONS } from '../../engine/catalog';
import { formatBytes } from '../common/format';
import { LocalFilesInput } from './LocalFilesInput';
import { LoadProgressBar } from './LoadProgressBar';
import { FastCpuModeToggle } from './FastCpuModeToggle';

/** Choose the model: embedded defaults, a Hub id or URL, or local files (picker or drag-and-drop). */
export function ModelPicker() {
  const status = useAppStore((s) => s.modelStatus);
  const model = useAppStore((s) => s.model);
  const error = useAppStore((s) => s.modelError);
  const loadModel = useAppStore((s) => s.loadModel);
  const hubEndpoint = useAppStore((s) => s.hubEndpoint);
  const setHubEndpoint = useAppStore((s) => s.setHubEndpoint);
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
          <strong>{model.name}</strong> · {model.modelType === 'gpt2' ? 'GPT-2 decoder' : 'BERT encoder'} · {model.layers} layers ·{' '}
          {model.heads} heads · width {model.width} · on {model.backend === 'webgpu' ? 'WebGPU' : 'the CPU (slow)'}
          <br />
          <span className="muted">
            weights {formatBytes(model.memory.weightsBytes)}
            {model.memory.cacheBytes > 0 && ` · KV cache ${formatBytes(model.memory.cacheBytes)}`} · activations up to{' '}
            {formatBytes(model.memory.activationBytes)}
          </span>
        </p>
      )}
      {EMBEDDED_MODELS.length > 0 && (
        <div className="inline-form" role="group" aria-label="Embedded models">
          {EMBEDDED_MODELS.map((embedded) => (
            <button key={embedded.name} type="button" disabled={status === 'loading'} onClick={() => void loadModel(embedded.name)}>
              {embedded.name}
            </button>
          ))}
        </div>
      )}
      <form className="inline-form" onSubmit={submitRemote}>
        <label className="grow">
          <span className="visually-hidden">Hub id or URL</span>
          <input
            list="hub-suggestions"
            value={remote}
            onChange={(event) => setRemote(event.target.value)}
            placeholder="Hub id (gpt2) or https://… base URL"
            data-testid="model-source"
          />
        </label>
        <datalist id="hub-suggestions">
          {HUB_SUGGESTIONS.map((id) => <option key={id} value={id} />)}
        </datalist>
        <button type="submit" disabled={status === 'loading' || !remote.trim()}>Load</button>
      </form>
      <LocalFilesInput disabled={status === 'loading'} onFiles={(files) => void loadModel(files)} />
      <details>
        <summary>Hub endpoint</summary>
        <label className="field">
          <span className="muted">Models by id load from {'<endpoint>/<id>/resolve/main/<file>'}</span>
          <input defaultValue={hubEndpoint} onBlur={(event) => setHubEndpoint(event.target.value)} data-testid="hub-endpoint" />
        </label>
      </details>
      <FastCpuModeToggle />
      {status === 'loading' && <LoadProgressBar />}
      {status === 'error' && <p className="error" role="alert">{error}</p>}
    </section>
  );
}
