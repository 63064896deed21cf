import { useState } from 'react';
import { AttentionHeatmap } from './AttentionHeatmap';
import type { FastCpuRun } from './useOrtComparison';

/** What the ORT wasm run produced: which engine ran and how long, the top predictions, one head's attention. */
export function FastCpuResult({ run, kind, maskToken = '[MASK]' }: { run: FastCpuRun; kind: 'encoder' | 'decoder'; maskToken?: string }) {
  const [layer, setLayer] = useState(0);
  const [head, setHead] = useState(0);
  const T = run.tokens.length;
  const heads = run.attentions.length > 0 ? run.attentions[0].length / (T * T) : 0;
  const probs = run.attentions[Math.min(layer, run.attentions.length - 1)];
  const safeHead = Math.min(head, heads - 1);

  return (
    <div className="fast-cpu-result" data-testid="fast-cpu-result">
      <p data-testid="fast-cpu-engine">
        Engine: <strong>onnxruntime-web (wasm, CPU)</strong> · {run.ms.toFixed(1)} ms for {T} tokens
      </p>
      {run.predictions.map((prediction) => (
        <table key={prediction.position} className="kinds-table" aria-label={`predictions at token ${prediction.position}`}>
          <caption>{kind === 'decoder' ? 'Next token' : `${maskToken} at token ${prediction.position}`}</caption>
          <tbody>
            {prediction.top.map((row) => (
              <tr key={row.token}>
                <td className="token-cell">{row.token}</td>
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
