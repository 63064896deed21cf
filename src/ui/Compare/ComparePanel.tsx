import { useState } from 'react';
import { useAppStore } from '../../state/store';
import { FastCpuResult } from './FastCpuResult';
import { useOrtComparison } from './useOrtComparison';
import './Compare.css';

/** A prompt for a decoder; a sentence with the family's mask token for an encoder. */
const defaultText = (kind: 'encoder' | 'decoder', maskToken = '[MASK]') => (kind === 'decoder' ? 'The history of the United States' : `The capital of France is ${maskToken}.`);

/** Our WGSL engine against onnxruntime-web on the loaded model's own ONNX export, and ORT wasm as the fast CPU mode. */
export function ComparePanel() {
  const model = useAppStore((s) => s.model);
  const gpuInfo = useAppStore((s) => s.gpuInfo);
  const [text, setText] = useState<string>();
  const { results, fastRun, busy, error, compare, runFastCpu, download } = useOrtComparison();

  if (!model) return <p className="muted">Load a model (the picker on the right) to compare it with onnxruntime-web.</p>;
  const input = text ?? defaultText(model.kind, model.maskToken);
  const softwareAdapter = gpuInfo?.isFallbackAdapter || model.backend === 'cpu';

  return (
    <div className="compare">
      <label className="field">
        <span>Input text</span>
        <textarea value={input} onChange={(event) => setText(event.target.value)} rows={2} data-testid="compare-input" />
      </label>
      <div className="inline-form">
        <button onClick={() => compare(input, 'webgpu')} disabled={!!busy}>Compare with onnxruntime-web (WebGPU)</button>
        <button onClick={() => compare(input, 'wasm')} disabled={!!busy}>Compare with onnxruntime-web (wasm)</button>
        <button onClick={download} disabled={!!busy}>Download .onnx</button>
        {busy && <span className="muted" role="status">{busy}…</span>}
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {results.length > 0 && (
        <table className="kinds-table compare-table" data-testid="compare-result">
          <thead>
            <tr><th>ORT provider</th><th>max |Δ| logits</th><th>max |Δ| attention</th><th>ours (ms)</th><th>ORT (ms)</th><th>ORT ms / ours ms</th></tr>
          </thead>
          <tbody>
            {results.map((r) => (
              <tr key={r.provider} data-provider={r.provider}>
                <td>{r.provider}</td>
                <td className="num">{r.maxAbsDiffLogits.toExponential(2)}</td>
                <td className="num">{r.maxAbsDiffAttention?.toExponential(2) ?? '—'}</td>
                <td className="num">{r.oursMs.toFixed(1)}</td>
                <td className="num">{r.ortMs.toFixed(1)}</td>
                <td className="num">{(r.ortMs / r.oursMs).toFixed(2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <section className="pane fast-cpu" data-software-adapter={softwareAdapter}>
        <h3>Fast CPU mode</h3>
        <p className={softwareAdapter ? 'warning' : 'muted'}>
          {softwareAdapter
            ? 'This adapter is a software fallback (e.g. SwiftShader): our WGSL runs on the CPU, 30-50x slower than onnxruntime-web\'s wasm. Run the model there instead, attention included.'
            : 'onnxruntime-web\'s wasm backend runs the exported graph on the CPU, attention included.'}
        </p>
        <button onClick={() => runFastCpu(input)} disabled={!!busy}>Run in onnxruntime-web (wasm)</button>
        {fastRun && <FastCpuResult run={fastRun} kind={model.kind} maskToken={model.maskToken} />}
      </section>
    </div>
  );
}
