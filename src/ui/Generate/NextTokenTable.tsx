import type { NextTokenStep } from '../../state/generateSlice';

/**
 * The most likely tokens at the latest step: the distribution the sampler picked the last emitted token from, at
 * that token's position (it is marked when it is among them).
 */
export function NextTokenTable({ step }: { step?: NextTokenStep }) {
  if (!step || step.rows.length === 0) return null;
  const picked = step.emitted === undefined ? -1 : step.rows.findIndex((row) => row.token === step.emitted);
  return (
    <table className="probability-table" aria-label="next-token probabilities" data-testid="next-token-table" data-position={step.position} data-step={step.step}>
      <caption data-testid="next-token-caption">
        Generated token {step.step}, at position {step.position} of the sequence (the prompt&apos;s tokens are 0 to {step.position - step.step}):
        the {step.rows.length} most likely tokens there
        {step.emitted === undefined
          ? ' (picking…)'
          : picked >= 0
            ? `; the sampler picked ${JSON.stringify(step.emitted)} (marked).`
            : `; the sampler picked ${JSON.stringify(step.emitted)}, which is not among them.`}
      </caption>
      <thead>
        <tr><th>token</th><th>id</th><th>probability</th></tr>
      </thead>
      <tbody>
        {step.rows.map((row, i) => (
          <tr key={row.id} aria-current={i === picked ? 'true' : undefined} className={i === picked ? 'picked' : undefined}>
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
