import { useState } from 'react';
import { AttentionHeatmap } from './AttentionHeatmap';
import type { FastCpuRun } from '../../state/compareSlice';

/** What the ORT wasm run produced: which engine ran and how long, the top predictions, one head's attention. */
export function FastCpuResult({ run, model, input }: { run: FastCpuRun; model: string; input: string }) {
  const [layer, setLayer] = useState(0);
  const [head, setHead] = useState(0);
  const T = run.tokens.length;
  const heads = run.attentions.length > 0 ? run.attentions[0].length / (T * T) : 0;
  const probs = run.attentions[Math.min(layer, run.attentions.length - 1)];
  const safeHead = Math.min(head, heads - 1);
  const mask = run.maskToken ?? '[MASK]';

  return (
    <div className="fast-cpu-result" data-testid="fast-cpu-result" data-model={model}>
      <p data-testid="fast-cpu-engine">
        Engine: <strong>onnxruntime-web (wasm, CPU)</strong> · {model} on {JSON.stringify(input.length > 60 ? `${input.slice(0, 60)}…` : input)} · {run.ms.toFixed(1)} ms for {T} tokens
      </p>
      {run.kind === 'encoder' && run.predictions.length === 0 && <p className="muted">The input has no {mask} token: nothing to predict.</p>}
      {run.predictions.map((prediction) => (
        <table key={prediction.position} className="kinds-table" aria-label={`predictions at token ${prediction.position}`}>
          <caption>{run.kind === 'decoder' ? `Next token after token ${prediction.position}` : `${mask} at token ${prediction.position}`}</caption>
          <tbody>
            {prediction.top.map((row) => (
              <tr key={row.token}>
                <td className="token-cell">{JSON.stringify(row.token)}</td>
                <td className="num">{(row.probability * 100).toFixed(1)}%</td>
              </tr>
            ))}
          </tbody>
        </table>
      ))}
      {probs && (
        <>
          <div className="inline-form">
            <label>Layer <select value={layer} onChange={(e) => setLayer(Number(e.target.value))}>
              {run.attentions.map((_, l) => <option key={l} value={l}>{l}</option>)}
            </select></label>
            <label>Head <select value={safeHead} onChange={(e) => setHead(Number(e.target.value))}>
              {Array.from({ length: heads }, (_, h) => <option key={h} value={h}>{h}</option>)}
            </select></label>
          </div>
          <AttentionHeatmap probs={probs.subarray(safeHead * T * T, (safeHead + 1) * T * T)} tokens={run.tokens} />
        </>
      )}
    </div>
  );
}
