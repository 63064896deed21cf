import { useAppStore } from '../../../state/store';
import type { AttentionSet, Reduction } from '../../../attention/types';

const REDUCTIONS: Record<Reduction, string> = {
  head: 'one head',
  mean: 'mean over heads',
  max: 'max over heads',
  rollout: 'rollout (Abnar & Zuidema)',
};

/** Layer, head and what the heads are reduced to; plain selects, so the keyboard works everywhere. */
export function LayerHeadPicker({ set }: { set: AttentionSet }) {
  const { layer, head, reduction, view } = useAppStore((s) => s.attentionView);
  const setView = useAppStore((s) => s.setAttentionView);
  const range = (count: number) => Array.from({ length: count }, (_, i) => i);
  return (
    <div className="toolbar attention-picker">
      <label className="inline-form">
        Layer
        <select value={layer} onChange={(event) => setView({ layer: Number(event.target.value) })} data-testid="attention-layer">
          {range(set.layers).map((l) => <option key={l} value={l}>{l}</option>)}
        </select>
      </label>
      <label className="inline-form">
        Head
        <select value={head} disabled={reduction !== 'head' && view === 'heatmap'} onChange={(event) => setView({ head: Number(event.target.value) })} data-testid="attention-head">
          {range(set.heads).map((h) => <option key={h} value={h}>{h}</option>)}
        </select>
      </label>
      {view === 'heatmap' && (
        <label className="inline-form">
          Show
          <select value={reduction} onChange={(event) => setView({ reduction: event.target.value as Reduction })} data-testid="attention-reduction">
            {Object.entries(REDUCTIONS).map(([value, label]) => <option key={value} value={value}>{label}</option>)}
          </select>
        </label>
      )}
    </div>
  );
}
