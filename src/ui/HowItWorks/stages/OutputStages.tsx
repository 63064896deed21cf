import { useMemo, useRef, useState } from 'react';
import type { StageProps } from './types';
import { tokenName } from './types';
import { MatrixCanvas } from '../MatrixCanvas';
import { LogitsFormula, NormFormula, TemperatureFormula } from '../Formulas';
import { KernelList } from '../KernelList';
import { fmt, norm, percent, rowOf } from '../numbers';
import { keptTokens } from '../sampling';
import { sampleHost } from '../../../onnx/hostSampler';
import { predictions, type Prediction } from '../../../state/howItWorksSlice';
import { decodeForModel } from '../../../state/engineActions';
import { topK } from '../../../common/softmax';

/** A vocabulary entry as the text it stands for (byte-level pieces decoded). */
const tokenText = (id: number) => decodeForModel([id]);

/** A few predictions as a table with bars. */
export function Predictions({ rows, testId }: { rows: Prediction[]; testId?: string }) {
  return (
    <table className="hiw-table" data-testid={testId}>
      <thead>
        <tr>
          <th scope="col">token</th>
          <th scope="col">id</th>
          <th scope="col" className="num">probability</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id} data-id={row.id} data-probability={row.probability}>
            <td className="hiw-token-cell">{JSON.stringify(row.token)}</td>
            <td className="num">{row.id}</td>
            <td className="num">
              <span className="hiw-bar" style={{ width: `${Math.max(1, row.probability * 80)}px` }} />
              {percent(row.probability)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function FinalNormStage({ model, input, view, position }: StageProps) {
  const { C, prenorm, norm: kind, L } = model.config.dims;
  const t = position.token;
  const T = input.ids.length;
  return (
    <>
      {prenorm ? (
        <>
          <p>
            After the last of the {L} blocks, one more {kind === 'rmsnorm' ? 'RMSNorm' : 'LayerNorm'} (the final norm) brings every vector to a common scale before
            the output layer: ‖h‖ of {tokenName(input, t)} = {fmt(norm(rowOf(view.final.normed, t, C)))}.
          </p>
          <NormFormula kind={kind} />
        </>
      ) : (
        <p>
          A post-LN encoder has no final norm: block {L - 1}&apos;s output, already normalised, is the final hidden state h (‖h‖ of {tokenName(input, t)} ={' '}
          {fmt(norm(rowOf(view.final.normed, t, C)))}).
        </p>
      )}
      <MatrixCanvas values={view.final.normed} rows={T} cols={C} scale="signed" label="Final hidden states h" describe={(r, c) => `h of ${tokenName(input, r)}, dimension ${c}`} highlightRow={t} testId="hiw-final" />
      <KernelList dispatches={view.kernels?.final} timed={view.kernels?.timed} note={prenorm ? undefined : 'No dispatch of its own: the last block’s output LayerNorm wrote it.'} />
    </>
  );
}

export function LogitsStage({ model, input, view, position }: StageProps) {
  const { V } = model.config.dims;
  const t = position.token;
  const lm = model.capabilities.lm;
  const encoder = model.kind === 'encoder';
  const row = lm ? rowOf(view.final.logits, t, V) : undefined;
  const best = useMemo(() => (row ? topK(row, 8) : []), [row]);
  if (!row) {
    return <p>This checkpoint has no language-model head: its output is the hidden states of the previous stage (a classifier or the embeddings read them).</p>;
  }
  return (
    <>
      <p>
        The output layer scores every one of the {V.toLocaleString('en-US')} vocabulary entries against h: one number (a logit) each.{' '}
        {encoder
          ? `At ${tokenName(input, t)} they say which token belongs there.`
          : `The logits at ${tokenName(input, t)} are about the token after it.`}{' '}
        The highest here: {best.slice(0, 3).map((b) => `${JSON.stringify(tokenText(b.index))} ${fmt(b.value)}`).join(', ')}.
      </p>
      <LogitsFormula encoder={encoder} />
      <MatrixCanvas
        values={view.final.logits}
        rows={input.ids.length}
        cols={V}
        scale="signed"
        label={`Logits (${V} per position)`}
        describe={(r, c) => `logit of ${JSON.stringify(tokenText(c))} (id ${c}) at ${tokenName(input, r)}`}
        highlightRow={t}
        testId="hiw-logits"
      />
      <KernelList dispatches={view.kernels?.logits} timed={view.kernels?.timed} />
    </>
  );
}

function NextToken({ model, input, view, position }: StageProps) {
  const { V } = model.config.dims;
  const t = position.token;
  const logits = rowOf(view.final.logits, t, V);
  const [temperature, setTemperature] = useState(1);
  const [topKLimit, setTopK] = useState(0);
  const [topP, setTopP] = useState(1);
  const drawn = useRef<HTMLOutputElement>(null);
  const kept = useMemo(() => keptTokens(logits, { temperature, topK: topKLimit, topP }), [logits, temperature, topKLimit, topP]);
  const shown = kept.ranked.slice(0, 12);
  const draw = () => {
    const uniform = Math.random();
    const id = sampleHost(logits, { temperature, topK: topKLimit, topP, uniform });
    if (drawn.current) drawn.current.textContent = `u = ${uniform.toFixed(4)} → ${JSON.stringify(tokenText(id))} (id ${id})`;
  };
  return (
    <>
      <p>
        The softmax turns the logits at {tokenName(input, t)} into probabilities for the next token. The temperature τ divides the logits first: below 1 the
        distribution sharpens, above 1 it flattens. Top-k keeps only the k most likely tokens, top-p the fewest whose probabilities reach p; the next token is
        drawn from what is kept, in proportion to the kept probabilities. Now{' '}
        <strong data-testid="hiw-kept">{kept.count.toLocaleString('en-US')}</strong> of {V.toLocaleString('en-US')} tokens are kept, holding{' '}
        {percent(kept.mass)} of the probability; the most likely is {JSON.stringify(tokenText(kept.ranked[0].id))} at {percent(kept.ranked[0].probability)}.
      </p>
      <TemperatureFormula />
      <div className="hiw-sampling">
        <label>
          τ = <output>{temperature.toFixed(2)}</output>
          <input type="range" min={0.05} max={3} step={0.05} value={temperature} onChange={(event) => setTemperature(Number(event.target.value))} data-testid="hiw-temperature" />
        </label>
        <label>
          top-k
          <input type="number" min={0} max={V} value={topKLimit} onChange={(event) => setTopK(Math.max(0, Math.min(V, Math.trunc(Number(event.target.value)) || 0)))} data-testid="hiw-top-k" />
          <span className="muted">(0 = off)</span>
        </label>
        <label>
          top-p = <output>{topP.toFixed(2)}</output>
          <input type="range" min={0.05} max={1} step={0.05} value={topP} onChange={(event) => setTopP(Number(event.target.value))} data-testid="hiw-top-p" />
        </label>
        <button type="button" onClick={draw} data-testid="hiw-draw">Draw the next token</button>
        <output ref={drawn} className="hiw-readout" aria-live="polite" data-testid="hiw-drawn" />
      </div>
      <table className="hiw-table" data-testid="hiw-next-tokens">
        <thead>
          <tr>
            <th scope="col">token</th>
            <th scope="col" className="num">p at τ</th>
            <th scope="col" className="num">after top-k / top-p</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((row) => (
            <tr key={row.id} className={row.kept ? '' : 'hiw-dropped'} data-id={row.id} data-kept={row.kept}>
              <td className="hiw-token-cell">{JSON.stringify(tokenText(row.id))}</td>
              <td className="num">
                <span className="hiw-bar" style={{ width: `${Math.max(1, row.probability * 80)}px` }} />
                {percent(row.probability)}
              </td>
              <td className="num">{row.kept ? percent(row.probability / kept.mass) : 'dropped'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">
        This draw runs on the host with the same rule as the GPU sampler of the Generate tab (sampleHost); greedy decoding (τ → 0) always takes the first row.
      </p>
    </>
  );
}

function EncoderOutput({ model, input, view, position }: StageProps) {
  const { V, C } = model.config.dims;
  const lm = model.capabilities.lm;
  const masks = input.maskPositions;
  const at = useMemo(() => (lm ? (masks.length > 0 ? masks : [position.token]).map((t) => ({ t, rows: predictions(rowOf(view.final.logits, t, V)) })) : []), [lm, masks, position.token, view, V]);
  const cls = rowOf(view.final.normed, 0, C);
  return (
    <>
      {lm && (
        <>
          <p>
            An encoder is trained to fill in hidden words: where the text has {model.maskToken ?? 'a mask token'}, the softmax of the logits there is its guess.
            {masks.length === 0 && ` This text has no ${model.maskToken ?? 'mask token'}: the table shows what it would put at ${tokenName(input, position.token)}; add ${model.maskToken ?? 'a mask'} to the text to ask it.`}
          </p>
          {at.map(({ t, rows }) => (
            <div key={t}>
              <h3>At {tokenName(input, t)}</h3>
              <Predictions rows={rows} testId="hiw-mask-predictions" />
            </div>
          ))}
        </>
      )}
      <p>
        The first token&apos;s final vector ({JSON.stringify(input.tokens[0])}, ‖h‖ = {fmt(norm(cls))}) is what sentence classifiers read (BERT&apos;s pooler and
        classifier sit on it); it is the same kind of vector as every other token&apos;s.
      </p>
      <MatrixCanvas values={cls} rows={1} cols={C} scale="signed" label={`The ${JSON.stringify(input.tokens[0])} vector`} describe={(_, c) => `dimension ${c}`} maxHeight={24} testId="hiw-cls" />
    </>
  );
}

export function OutputStage(props: StageProps) {
  return props.model.kind === 'decoder' ? <NextToken {...props} /> : <EncoderOutput {...props} />;
}
