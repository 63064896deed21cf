import type { StageProps } from './types';
import { tokenName } from './types';
import { MatrixCanvas } from '../MatrixCanvas';
import { fmt, percent } from '../numbers';
import { predictions } from '../../../state/howItWorksSlice';
import { useMemo } from 'react';

const Waiting = () => <p className="muted" role="status" data-testid="hiw-waiting">Reading every layer…</p>;

export function StreamStage({ model, input, position, depth }: StageProps) {
  if (!depth || depth.key !== input.key) return <Waiting />;
  const { L } = model.config.dims;
  const T = input.ids.length;
  const t = position.token;
  const column = Array.from({ length: L + 1 }, (_, d) => depth.norms[d * T + t]);
  const depthName = (d: number) => (d === 0 ? 'the embeddings' : `block ${d - 1}`);
  let grows = 0;
  for (let d = 1; d <= L; d++) if (column[d] > column[d - 1]) grows++;
  return (
    <>
      <p>
        The residual stream is the vector each token carries from block to block; every block adds to it (post-LN blocks also renormalise it). The picture is
        ‖x‖ of every token (columns) after the embeddings and after each of the {L} blocks (rows). For {tokenName(input, t)} it goes {column.map((n) => fmt(n, 3)).join(' → ')}:{' '}
        it grows at {grows} of the {L} blocks.
      </p>
      <MatrixCanvas
        values={depth.norms}
        rows={L + 1}
        cols={T}
        scale="unit"
        label="‖x‖ per depth (rows: embeddings, then each block) and token (columns)"
        describe={(d, c) => `‖x‖ of ${tokenName(input, c)} after ${depthName(d)}`}
        maxHeight={Math.min(360, (L + 1) * 14)}
        testId="hiw-stream"
      />
    </>
  );
}

export function LensStage({ model, input, view, position, depth }: StageProps) {
  const { V } = model.config.dims;
  const t = position.token;
  const encoder = model.kind === 'encoder';
  const final = useMemo(() => (model.capabilities.lm ? predictions(view.final.logits.subarray(t * V, (t + 1) * V)) : undefined), [model, view, t, V]);
  if (!model.capabilities.lm) return <p>This checkpoint has no language-model head, so there is no logit lens to show.</p>;
  if (!depth || depth.key !== input.key || depth.token !== t) return <Waiting />;
  const last = depth.lens.at(-1)?.[0];
  return (
    <>
      <p>
        The logit lens applies {encoder ? 'the masked-LM head' : 'the final norm and the LM head'} to each block&apos;s output at {tokenName(input, t)}: what the
        model would {encoder ? 'fill in there' : 'predict next'} if it stopped at that depth. The last block&apos;s lens is the model&apos;s own output: its top token{' '}
        {last && JSON.stringify(last.token)} ({last && percent(last.probability)}) {last && final && last.id === final[0].id ? 'is' : 'is not'} the prediction of the Logits stage.
      </p>
      <table className="hiw-table" data-testid="hiw-lens">
        <thead>
          <tr>
            <th scope="col">after</th>
            <th scope="col">most likely</th>
            <th scope="col">then</th>
          </tr>
        </thead>
        <tbody>
          {depth.lens.map((rows, l) => (
            <tr key={l} data-layer={l} data-top={rows[0]?.id}>
              <th scope="row">block {l}</th>
              <td className="hiw-token-cell">
                {rows[0] && `${JSON.stringify(rows[0].token)} ${percent(rows[0].probability)}`}
              </td>
              <td className="hiw-token-cell muted">{rows.slice(1, 4).map((r) => `${JSON.stringify(r.token)} ${percent(r.probability)}`).join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
