import { useEffect, useMemo, useState } from 'react';
import { useAppStore } from '../../../state/store';
import { neuronTrace, type NeuronTrace } from '../../../attention/neuron';
import { headMatrix } from '../../../attention/heads';
import { rgbOf } from '../../../attention/colormaps';
import type { AttentionSet } from '../../../attention/types';
import { recordDrawn } from '../../../state/drawnView';
import { useThemeColors } from '../useThemeColors';
import { useTokenLabels } from '../useTokenLabels';
import { kvHeadNote } from '../headNames';
import { VectorStrip } from './VectorStrip';

const FEW_KEYS = 16;

function largest(values: Float32Array, count: number): number {
  let max = 0;
  for (let i = 0; i < count; i++) max = Math.max(max, Math.abs(values[i]));
  return max;
}

/** One row per key, in the order the table shows them: its k and v (one colour scale per column), then the scores. */
function KeyRows({ trace, keys, labels, engineRow, zero }: { trace: NeuronTrace; keys: number[]; labels: string[]; engineRow: Float32Array; zero: readonly number[] }) {
  const { D } = trace;
  const kMax = largest(trace.keys, trace.visible * D);
  const vMax = largest(trace.values, trace.visible * D);
  return (
    <tbody>
      {keys.map((j) => (
        <tr key={j} data-testid="neuron-row" data-key={j} data-weight={trace.weights[j]}>
          <th scope="row" className="token-cell">{j}: {labels[j]}</th>
          <td><VectorStrip label={`k of ${JSON.stringify(labels[j])}`} values={trace.keys.subarray(j * D, (j + 1) * D)} rows={1} cols={D} max={kMax} zero={zero} bare testId="neuron-k" /></td>
          <td><VectorStrip label={`v of ${JSON.stringify(labels[j])}`} values={trace.values.subarray(j * D, (j + 1) * D)} rows={1} cols={D} max={vMax} zero={zero} bare testId="neuron-v" /></td>
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
  );
}

/** softmax(q·k / √d_k)·v for one head and query token, every step with the engine's own numbers. */
export function NeuronView({ set }: { set: AttentionSet }) {
  const view = useAppStore((s) => s.attentionView);
  const setView = useAppStore((s) => s.setAttentionView);
  const [allKeys, setAllKeys] = useState(false);
  const colors = useThemeColors();
  const labels = useTokenLabels(set);
  const zero = useMemo(() => rgbOf(colors.panel) ?? [255, 255, 255], [colors.panel]);
  const { layer, head, query, colormap } = view;
  const qkv = set.qkv?.[layer];
  const trace = useMemo(
    () => qkv && neuronTrace({ qkv, T: set.T, H: set.heads, Hkv: set.kvHeads ?? set.heads, head, token: query, causal: set.causal }),
    [qkv, set, head, query],
  );

  useEffect(() => {
    recordDrawn({ set, state: view }, { view: 'neuron', layer, head, reduction: 'head', T: set.T, rows: [query], cols: [], query, colormap, scaleMax: 1 });
  }, [set, view, layer, head, query, colormap]);

  if (!trace) {
    return (
      <p className="muted" data-testid="neuron-unavailable">
        {set.engine && set.engine !== 'webgpu' && set.engine !== 'cpu'
          ? `The neuron view needs the query, key and value vectors, which ${set.engine} does not return: switch Fast CPU mode off and show the attention again.`
          : 'The neuron view needs the query, key and value vectors: run the model on a text (an imported tensor or a generation in progress has none).'}
      </p>
    );
  }
  const engineRow = headMatrix(set.attentions[layer], set.T, head).subarray(query * set.T, (query + 1) * set.T);
  let difference = 0;
  for (let j = 0; j < set.T; j++) difference = Math.max(difference, Math.abs(engineRow[j] - trace.weights[j]));
  const visible = Array.from({ length: trace.visible }, (_, j) => j);
  const keys = allKeys ? visible : [...visible].sort((a, b) => trace.weights[b] - trace.weights[a]).slice(0, FEW_KEYS);
  const kv = kvHeadNote(set, head);
  const name = JSON.stringify(labels[query]);

  return (
    <div className="attention-neuron" data-testid="attention-neuron-view">
      <label className="inline-form">
        Query token
        <select value={query} onChange={(event) => setView({ query: Number(event.target.value) })} data-testid="attention-query">
          {labels.map((label, i) => (
            <option key={i} value={i}>{i}: {label}</option>
          ))}
        </select>
      </label>
      <p className="attention-neuron-head" data-testid="neuron-head">
        Layer {layer}, query head {head}
        {kv ? `: it reads the keys and values of ${kv}.` : '.'}
        {set.rotary && ' q and k after rotary position embedding (rotated by their positions, as the engine multiplies them).'}
      </p>
      <p className="attention-formula">
        output = Σ<sub>j</sub> softmax<sub>j</sub>(q·k<sub>j</sub> / √d<sub>k</sub>) · v<sub>j</sub>, with d<sub>k</sub> = {trace.D}
        {set.causal && `, keys 0..${query} only (causal)`}
      </p>
      <VectorStrip label={`q of ${name}`} values={trace.query} rows={1} cols={trace.D} zero={zero} testId="neuron-query" />
      <div className="attention-neuron-scroll">
        <table className="attention-neuron-table" aria-label="Each key: its k and v vectors and its attention score">
          <thead>
            <tr>
              <th scope="col">key</th>
              <th scope="col">k{kv ? ` (kv head ${trace.kvHead})` : ''}</th>
              <th scope="col">v</th>
              <th scope="col" className="num">q·k</th>
              <th scope="col" className="num">÷ √{trace.D}</th>
              <th scope="col" className="num">softmax</th>
              <th scope="col" className="num">engine</th>
            </tr>
          </thead>
          <KeyRows trace={trace} keys={keys} labels={labels} engineRow={engineRow} zero={zero} />
        </table>
      </div>
      {trace.visible > FEW_KEYS && (
        <button type="button" onClick={() => setAllKeys(!allKeys)}>
          {allKeys ? `Show the ${FEW_KEYS} strongest keys` : `Show all ${trace.visible} keys in order`}
        </button>
      )}
      <p className="muted">{allKeys ? 'Keys in order.' : `The ${Math.min(FEW_KEYS, trace.visible)} keys with the largest weights, strongest first.`} Each row&apos;s k and v share one colour scale per column.</p>
      <VectorStrip label="output = Σ p·v" values={trace.output} rows={1} cols={trace.D} zero={zero} testId="neuron-output" />
      <p className="muted" data-testid="neuron-difference">
        Largest difference between this softmax and the engine&apos;s attention row: {difference.toExponential(2)}
      </p>
    </div>
  );
}
