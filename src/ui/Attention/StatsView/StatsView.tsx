import { useEffect, useMemo, useState } from 'react';
import { useAppStore } from '../../../state/store';
import { allHeadStats, sortHeads, type HeadStatKey } from '../../../attention/stats';
import type { AttentionSet } from '../../../attention/types';
import { recordDrawn } from '../../../state/drawnView';

const COLUMNS: { key: HeadStatKey; label: string; digits: number }[] = [
  { key: 'entropy', label: 'entropy (nats)', digits: 3 },
  { key: 'distance', label: 'mean distance (tokens)', digits: 2 },
  { key: 'specialShare', label: 'on special tokens', digits: 3 },
  { key: 'firstShare', label: 'on the first token', digits: 3 },
];

type Direction = 'ascending' | 'descending';

/** Per-head statistics, sortable by any column; a row opens that head in the heatmap. */
export function StatsView({ set }: { set: AttentionSet }) {
  const view = useAppStore((s) => s.attentionView);
  const setView = useAppStore((s) => s.setAttentionView);
  const [sort, setSort] = useState<{ key: HeadStatKey; direction: Direction } | undefined>();
  const stats = useMemo(() => allHeadStats(set.attentions, set.heads, set.T, set.special), [set]);
  const rows = sort ? sortHeads(stats, sort.key, sort.direction) : stats;

  useEffect(() => {
    recordDrawn({ set, state: view }, { view: 'stats', layer: view.layer, head: view.head, reduction: 'head', T: set.T, rows: [], cols: [], colormap: view.colormap, scaleMax: 1 });
  }, [set, view]);

  const toggle = (key: HeadStatKey) =>
    setSort(sort?.key === key ? { key, direction: sort.direction === 'descending' ? 'ascending' : 'descending' } : { key, direction: 'descending' });

  return (
    <table className="attention-stats" aria-label="Statistics of every head" data-testid="attention-stats">
      <thead>
        <tr>
          <th scope="col">layer</th>
          <th scope="col">head</th>
          {COLUMNS.map(({ key, label }) => (
            <th key={key} scope="col" className="num" aria-sort={sort?.key === key ? sort.direction : 'none'}>
              <button type="button" onClick={() => toggle(key)} data-testid={`sort-${key}`}>
                {label} {sort?.key === key ? (sort.direction === 'descending' ? '▼' : '▲') : ''}
              </button>
            </th>
          ))}
          <th scope="col"><span className="visually-hidden">open</span></th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={`${row.layer}-${row.head}`} data-layer={row.layer} data-head={row.head} aria-selected={row.layer === view.layer && row.head === view.head}>
            <td className="num">{row.layer}</td>
            <td className="num">{row.head}</td>
            {COLUMNS.map(({ key, digits }) => (
              <td key={key} className="num">{row[key].toFixed(digits)}</td>
            ))}
            <td>
              <button type="button" onClick={() => setView({ layer: row.layer, head: row.head, reduction: 'head', view: 'heatmap' })}>
                Open
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
