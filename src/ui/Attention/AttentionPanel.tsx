import { useEffect } from 'react';
import { useAppStore } from '../../state/store';
import { ATTENTION_VIEWS, type AttentionViewId } from '../../state/attentionSlice';
import type { AttentionSet } from '../../attention/types';
import { AttentionInput } from './Controls/AttentionInput';
import { LayerHeadPicker } from './Controls/LayerHeadPicker';
import { FilterBar } from './Controls/FilterBar';
import { ExportButtons } from './Controls/ExportButtons';
import { Heatmap } from './Heatmap/Heatmap';
import { ModelView } from './ModelView/ModelView';
import { HeadView } from './HeadView/HeadView';
import { NeuronView } from './NeuronView/NeuronView';
import { StatsView } from './StatsView/StatsView';

const VIEW_LABELS: Record<AttentionViewId, string> = {
  heatmap: 'Heatmap',
  model: 'Model view',
  head: 'Head view',
  neuron: 'Neuron view',
  stats: 'Head statistics',
};

function ViewBody({ view, set }: { view: AttentionViewId; set: AttentionSet }) {
  if (view === 'model') return <ModelView set={set} />;
  if (view === 'head') return <HeadView set={set} />;
  if (view === 'neuron') return <NeuronView set={set} />;
  if (view === 'stats') return <StatsView set={set} />;
  return <Heatmap set={set} />;
}

/** The attention explorer: runs the loaded model on the text and shows its attention five ways. */
export function AttentionPanel() {
  const model = useAppStore((s) => s.model);
  const set = useAppStore((s) => s.attention);
  const status = useAppStore((s) => s.attentionStatus);
  const error = useAppStore((s) => s.attentionError);
  const view = useAppStore((s) => s.attentionView.view);
  const setView = useAppStore((s) => s.setAttentionView);
  const run = useAppStore((s) => s.runAttention);

  // A newly loaded model shows the attention of the current text at once.
  useEffect(() => {
    if (model) void run();
  }, [model, run]);

  return (
    <section className="attention" aria-label="Attention explorer" data-testid="attention-panel" data-status={status} data-tokens={set?.T}>
      {!model && <p className="muted">Load a model (the picker on the right) to see its attention, or open an exported JSON.</p>}
      {model && <AttentionInput />}
      {error && <p className="error" role="alert">{error}</p>}
      <nav className="attention-views" role="tablist" aria-label="Attention views">
        {ATTENTION_VIEWS.map((id) => (
          <button key={id} type="button" role="tab" aria-selected={view === id} onClick={() => setView({ view: id })} data-testid={`attention-view-${id}`}>
            {VIEW_LABELS[id]}
          </button>
        ))}
      </nav>
      {set && (
        <>
          <LayerHeadPicker set={set} />
          <FilterBar set={set} />
          <ExportButtons set={set} />
          <div role="tabpanel" aria-label={VIEW_LABELS[view]} className="attention-body">
            <ViewBody view={view} set={set} />
          </div>
        </>
      )}
    </section>
  );
}
