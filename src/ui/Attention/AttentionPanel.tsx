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
import { TokenDisplaySwitch } from '../common/TokenDisplaySwitch';
import { tabListKeys } from '../common/roving';

const VIEW_LABELS: Record<AttentionViewId, string> = {
  heatmap: 'Heatmap',
  model: 'Model view',
  head: 'Head view',
  neuron: 'Neuron view',
  stats: 'Head statistics',
};

const ENGINES: Record<string, string> = { webgpu: 'our WebGPU kernels', cpu: 'our CPU reference path' };

function ViewBody({ view, set }: { view: AttentionViewId; set: AttentionSet }) {
  if (view === 'model') return <ModelView set={set} />;
  if (view === 'head') return <HeadView set={set} />;
  if (view === 'neuron') return <NeuronView set={set} />;
  if (view === 'stats') return <StatsView set={set} />;
  return <Heatmap set={set} />;
}

/**
 * The attention explorer: the loaded model's attention on the text, five ways. The store runs the model when the tab
 * opens and when another model loads (attentionSlice), so a script's explicit input is never replaced by the page's.
 */
export function AttentionPanel() {
  const model = useAppStore((s) => s.model);
  const set = useAppStore((s) => s.attention);
  const status = useAppStore((s) => s.attentionStatus);
  const error = useAppStore((s) => s.attentionError);
  const view = useAppStore((s) => s.attentionView.view);
  const setView = useAppStore((s) => s.setAttentionView);
  const labels = useAppStore((s) => s.attentionLabels);
  const setLabels = useAppStore((s) => s.setAttentionLabels);

  return (
    <section className="attention" aria-label="Attention explorer" data-testid="attention-panel" data-status={status} data-tokens={set?.T}>
      {!model && <p className="muted">Load a model (the picker on the right) to see its attention, or open an exported JSON.</p>}
      {model && <AttentionInput />}
      {error && <p className="error" role="alert">{error}</p>}
      <nav className="attention-views" role="tablist" aria-label="Attention views" onKeyDown={tabListKeys(ATTENTION_VIEWS, view, (id) => setView({ view: id }))}>
        {ATTENTION_VIEWS.map((id) => (
          <button
            key={id}
            type="button"
            role="tab"
            id={`attention-tab-${id}`}
            aria-selected={view === id}
            aria-controls={set ? 'attention-view-panel' : undefined}
            tabIndex={view === id ? 0 : -1}
            onClick={() => setView({ view: id })}
            data-testid={`attention-view-${id}`}
          >
            {VIEW_LABELS[id]}
          </button>
        ))}
      </nav>
      {set && (
        <>
          <div className="toolbar">
            <LayerHeadPicker set={set} />
            <TokenDisplaySwitch value={labels} onChange={setLabels} name="attention-labels" />
            {set.engine && <span className="muted" data-testid="attention-engine">Computed by {ENGINES[set.engine] ?? set.engine}</span>}
          </div>
          <FilterBar set={set} />
          <ExportButtons set={set} />
          <div role="tabpanel" id="attention-view-panel" aria-labelledby={`attention-tab-${view}`} className="attention-body">
            <ViewBody view={view} set={set} />
          </div>
        </>
      )}
    </section>
  );
}
