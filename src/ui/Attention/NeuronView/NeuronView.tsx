import { useEffect, useMemo, useState } from 'react';
import { useAppStore } from '../../../state/store';
import { neuronTrace } from '../../../attention/neuron';
import { headMatrix } from '../../../attention/heads';
import type { AttentionSet } from '../../../attention/types';
import { recordDrawn } from '../../../state/drawnView';
import { VectorStrip } from './VectorStrip';

const FEW_KEYS = 16;

/** softmax(q·k / √d_k)·v for one head and query token, every step with the engine's own numbers. */
export function NeuronView({ set }: { set: AttentionSet }) {
  const view = useAppStore((s) => s.attentionView);
  const setView = useAppStore((s) => s.setAttentionView);
  const [allKeys, setAllKeys] = useState(false);
  const { layer, head, query, colormap } = view;
  const qkv = set.qkv?.[layer];
  const trace = useMemo(
    () => qkv && neuronTrace({ qkv, T: set.T, C: qkv.length / (3 * set.T), H: set.heads, head, token: query, causal: set.causal }),
    [qkv, set, head, query],
  );

  useEffect(() => {
    recordDrawn({ set, state: view }, { view: 'neuron', layer, head, reduction: 'head', T: set.T, rows: [query], cols: [], query, colormap, scaleMax: 1 });
  }, [set, view, layer, head, query, colormap]);

  if (!trace) {
    return <p className="muted">The neuron view needs the query, key and value vectors: run the model on a text (an imported tensor has none).</p>;
  }
  const engineRow = headMatrix(set.attentions[layer], set.T, head).subarray(query * set.T, (query + 1) * set.T);
  let difference = 0;
  for (let j = 0; j < set.T; j++) difference = Math.max(difference, Math.abs(engineRow[j] - trace.weights[j]));
  const visible = Array.from({ length: trace.visible }, (_, j) => j);
  const keys = allKeys ? visible : [...visible].sort((a, b) => trace.weights[b] - trace.weights[a]).slice(0, FEW_KEYS);
  const name = (token: number) => JSON.stringify(set.tokens[token]);

  return (
    <div className="attention-neuron" data-testid="attention-neuron-view">
      <label className="inline-form">
        Query token
        <select value={query} onChange={(event) => setView({ query: Number(event.target.value) })} data-testid="attention-query">
          {set.tokens.map((token, i) => (
            <option key={i} value={i}>{i}: {token}</option>
          ))}
        </select>
      </label>
      <p className="attention-formula">
        output = Σ<sub>j</sub> softmax<sub>j</sub>(q·k<sub>j</sub> / √d<sub>k</sub>) · v<sub>j</sub>, with d<sub>k</sub> = {trace.D}
        {set.causal && `, keys 0..${query} only (causal)`}
      </p>
      <VectorStrip label={`q of ${name(query)}`} values={trace.query} rows={1} cols={trace.D} testId="neuron-query" />
      <div className="attention-neuron-matrices">
        <VectorStrip label="k of every key" values={trace.keys.subarray(0, trace.visible * trace.D)} rows={trace.visible} cols={trace.D} rowNames={set.tokens} />
        <VectorStrip label="v of every key" values={trace.values.subarray(0, trace.visible * trace.D)} rows={trace.visible} cols={trace.D} rowNames={set.tokens} />
      </div>
      <table className="attention-neuron-table" aria-label="Attention scores of each key">
        <thead>
          <tr>
            <th scope="col">key</th>
            <th scope="col" className="num">q·k</th>
            <th scope="col" className="num">÷ √{trace.D}</th>
            <th scope="col" className="num">softmax</th>
            <th scope="col" className="num">engine</th>
          </tr>
        </thead>
        <tbody>
          {keys.map((j) => (
            <tr key={j} data-testid="neuron-row" data-key={j} data-weight={trace.weights[j]}>
              <td className="token-cell">{j}: {set.tokens[j]}</td>
              <td className="num">{trace.dots[j].toFixed(4)}</td>
              <td className="num">{trace.scaled[j].toFixed(4)}</td>
              <td className="num">
                <span className="bar" style={{ width: `${Math.max(1, trace.weights[j] * 60)}px` }} />
                {trace.weights[j].toFixed(6)}
              </td>
              <td className="num">{engineRow[j].toFixed(6)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {trace.visible > FEW_KEYS && (
        <button type="button" onClick={() => setAllKeys(!allKeys)}>
          {allKeys ? `Show the ${FEW_KEYS} strongest keys` : `Show all ${trace.visible} keys in order`}
        </button>
      )}
      <VectorStrip label="output = Σ p·v" values={trace.output} rows={1} cols={trace.D} testId="neuron-output" />
      <p className="muted" data-testid="neuron-difference">
        Largest difference between this softmax and the engine&apos;s attention row: {difference.toExponential(2)}
      </p>
    </div>
  );
}
