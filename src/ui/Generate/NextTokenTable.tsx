import type { NextTokenRow } from '../../engine/engine';

/** The model's most likely next tokens at the latest step, with probability bars. */
export function NextTokenTable({ rows }: { rows: NextTokenRow[] }) {
  if (rows.length === 0) return null;
  return (
    <table className="probability-table" aria-label="next-token probabilities">
      <thead>
        <tr><th>next token</th><th>id</th><th>probability</th></tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id}>
            <td className="token-cell">{JSON.stringify(row.token)}</td>
            <td className="num">{row.id}</td>
            <td>
              <span className="bar" style={{ width: `${Math.max(1, row.probability * 100)}%` }} />
              {(row.probability * 100).toFixed(1)}%
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
