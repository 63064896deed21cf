import { useAppStore } from '../../../state/store';
import type { AttentionSet, Reduction } from '../../../attention/types';
import { kvHeadOf } from '../../../attention/neuron';

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
  const kvHeads = set.kvHeads ?? set.heads;
  // Grouped-query attention: each query head with the kv head it shares.
  const headName = (h: number) => (kvHeads < set.heads ? `${h} (kv ${kvHeadOf(h, set.heads, kvHeads)})` : String(h));
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
          {range(set.heads).map((h) => <option key={h} value={h}>{headName(h)}</option>)}
        </select>
      </label>
      {kvHeads < set.heads && (
        <span className="muted" data-testid="attention-gqa-note">
          {set.heads} query heads share {kvHeads} key/value heads ({set.heads / kvHeads} each): grouped-query attention.
        </span>
      )}
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
