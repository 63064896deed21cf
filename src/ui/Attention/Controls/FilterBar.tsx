import { useId, useState } from 'react';
import { useAppStore } from '../../../state/store';
import { COLORMAPS, type ColormapName } from '../../../attention/colormaps';
import { truncateLabel } from '../../../attention/labels';
import type { AttentionSet, PairFilter } from '../../../attention/types';
import { rovingKeys } from '../../common/roving';
import { useTokenLabels } from '../useTokenLabels';

const PAIRS: Record<PairFilter, string> = { all: 'both sentences', 'a-to-b': 'A → B', 'b-to-a': 'B → A' };

/** Token filters (special tokens, picked tokens, sentence pair), colour map and scale. */
export function FilterBar({ set }: { set: AttentionSet }) {
  // Only the fields shown here: switching head must not re-render one button per token.
  const filter = useAppStore((s) => s.attentionView.filter);
  const colormap = useAppStore((s) => s.attentionView.colormap);
  const scale = useAppStore((s) => s.attentionView.scale);
  const setView = useAppStore((s) => s.setAttentionView);
  const labels = useTokenLabels(set);
  const [active, setActive] = useState(0);
  const picksLabel = useId();
  const focused = Math.min(active, set.T - 1);
  const setFilter = (patch: Partial<typeof filter>) => setView({ filter: { ...filter, ...patch } });
  const toggle = (token: number) =>
    setFilter({ selected: filter.selected.includes(token) ? filter.selected.filter((t) => t !== token) : [...filter.selected, token].sort((a, b) => a - b) });
  return (
    <div className="attention-filters">
      <div className="toolbar">
        <label>
          <input type="checkbox" checked={filter.hideSpecial} onChange={(event) => setFilter({ hideSpecial: event.target.checked })} data-testid="attention-hide-special" />{' '}
          Hide special tokens (rows renormalised)
        </label>
        {set.typeIds && (
          <label className="inline-form">
            Sentence pair
            <select value={filter.pair} onChange={(event) => setFilter({ pair: event.target.value as PairFilter })} data-testid="attention-pair-filter">
              {Object.entries(PAIRS).map(([value, label]) => <option key={value} value={value}>{label}</option>)}
            </select>
          </label>
        )}
        <label className="inline-form">
          Colours
          <select value={colormap} onChange={(event) => setView({ colormap: event.target.value as ColormapName })} data-testid="attention-colormap">
            {COLORMAPS.map((name) => <option key={name} value={name}>{name}</option>)}
          </select>
        </label>
        <label className="inline-form">
          Scale
          <select value={scale} onChange={(event) => setView({ scale: event.target.value as 'unit' | 'max' })}>
            <option value="unit">0 to 1</option>
            <option value="max">0 to the largest weight</option>
          </select>
        </label>
      </div>
      <p className="attention-token-picks-label" id={picksLabel}>
        Show only these tokens (rows and columns); none picked shows all. Arrow keys move between them.
      </p>
      <div className="attention-token-picks" role="group" aria-labelledby={picksLabel} {...rovingKeys(set.T, setActive)}>
        {labels.map((label, index) => (
          <button
            key={index}
            type="button"
            className="attention-token-pick"
            aria-pressed={filter.selected.includes(index)}
            title={`${index}: ${JSON.stringify(set.tokens[index])}`}
            data-index={index}
            tabIndex={index === focused ? 0 : -1}
            onClick={() => toggle(index)}
          >
            {truncateLabel(label, 12)}
          </button>
        ))}
      </div>
      {filter.selected.length > 0 && (
        <button type="button" onClick={() => setFilter({ selected: [] })}>Show all tokens</button>
      )}
    </div>
  );
}
