import { useState } from 'react';
import { useAppStore } from '../../state/store';
import { FastCpuResult } from './FastCpuResult';
import { CompareProgress } from './CompareProgress';
import { useOnnxDownload } from './useOnnxDownload';
import './Compare.css';

/** A prompt for a decoder; a sentence with the family's mask token for an encoder. */
const defaultText = (kind: 'encoder' | 'decoder', maskToken = '[MASK]') => (kind === 'decoder' ? 'The history of the United States' : `The capital of France is ${maskToken}.`);

const quoted = (text: string) => JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);

/** Our WGSL engine against onnxruntime-web on the loaded model's own ONNX export, and one run in ORT wasm. */
export function ComparePanel() {
  const model = useAppStore((s) => s.model);
  const comparison = useAppStore((s) => s.comparison);
  const progress = useAppStore((s) => s.compareProgress);
  const error = useAppStore((s) => s.compareError);
  const runComparison = useAppStore((s) => s.runComparison);
  const runFastCpu = useAppStore((s) => s.runFastCpu);
  const { download, error: downloadError } = useOnnxDownload();
  const [text, setText] = useState<string>();

  if (!model) return <p className="muted">Load a model (the picker on the right) to compare it with onnxruntime-web.</p>;
  const input = text ?? defaultText(model.kind, model.maskToken);
  const busy = progress !== undefined;
  const results = comparison?.results ?? [];

  return (
    <div className="compare">
      <label className="field">
        <span>Input text</span>
        <textarea value={input} onChange={(event) => setText(event.target.value)} rows={2} data-testid="compare-input" />
      </label>
      <div className="inline-form">
        <button onClick={() => void runComparison(input, 'webgpu')} disabled={busy}>Compare with onnxruntime-web (WebGPU)</button>
        <button onClick={() => void runComparison(input, 'wasm')} disabled={busy}>Compare with onnxruntime-web (wasm)</button>
        <button onClick={download} disabled={busy}>Download .onnx</button>
      </div>
      <p className="muted">
        Each comparison runs both engines once to warm up (pipelines compiled, session created), then 3 timed runs of each, and reports the medians.
      </p>
      {progress && <CompareProgress progress={progress} />}
      {(error ?? downloadError) && <p className="error" role="alert">{error ?? downloadError}</p>}
      {comparison && results.length > 0 && (
        <table className="kinds-table compare-table" data-testid="compare-result" data-model={comparison.model}>
          <caption data-testid="compare-caption">
            {comparison.model} ({comparison.familyLabel}) on {quoted(comparison.input)}, {comparison.tokens} tokens
            {comparison.fastCpuMode && ' — with Fast CPU mode on, "ours" also ran in onnxruntime-web (wasm)'}
            {comparison.weights === 'f16' && !comparison.fastCpuMode && " — ours ran f16 weights, onnxruntime-web the checkpoint's in f32 (the same values when the checkpoint is stored in f16), so the differences include the rounding to f16"}
            {(comparison.weights === 'q4' || comparison.weights === 'q8') && ` — both ran the same ${comparison.weights === 'q4' ? '4' : '8'}-bit weights (onnxruntime-web as MatMulNBits)`}
            {comparison.input !== input && ' (an earlier input: compare again for the text above)'}
          </caption>
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
      <section className="pane fast-cpu" aria-labelledby="fast-cpu-run-title">
        <h2 id="fast-cpu-run-title">One run in onnxruntime-web (wasm)</h2>
        <p className="muted">
          The exported graph on the CPU, attention included. To send every forward pass there (attention views, fill-mask),
          switch on Fast CPU mode in the model panel.
        </p>
        <button onClick={() => void runFastCpu(input)} disabled={busy}>Run in onnxruntime-web (wasm)</button>
        {comparison?.fastRun && <FastCpuResult run={comparison.fastRun} model={comparison.model} input={comparison.input} />}
      </section>
    </div>
  );
}
