import { useMemo } from 'react';
import { MatrixCanvas } from '../MatrixCanvas';
import { EmbeddingFormula, RotaryFormula, SinusoidalFormula } from '../Formulas';
import { KernelList } from '../KernelList';
import { added, agreement, fmt, largestDifference, norm, rowOf } from '../numbers';
import { tokenName, type StageProps } from './types';

export function TokensStage({ model, input, position }: StageProps) {
  const T = input.ids.length;
  return (
    <>
      <p>
        The tokenizer cut the text into <strong>{T}</strong> tokens{input.cutFrom && ` (the first ${T} of ${input.cutFrom}: the walk shows at most ${T})`}. Each
        token is an id, a row number in the model&apos;s embedding table of <strong>{model.config.dims.V.toLocaleString('en-US')}</strong> rows. Nothing
        else about the text reaches the model.
      </p>
      <ol className="hiw-token-list" aria-label="Tokens and their ids">
        {input.ids.map((id, t) => (
          <li key={t} className={t === position.token ? 'hiw-token hiw-token-chosen' : input.special[t] ? 'hiw-token hiw-token-special' : 'hiw-token'} data-testid="hiw-token">
            <span className="hiw-token-text">{input.tokens[t]}</span>
            <span className="hiw-token-id">{id}</span>
          </li>
        ))}
      </ol>
      <p className="muted">Tokenizing runs on the CPU (the tokenizer&apos;s own code), not in WGSL.</p>
    </>
  );
}

/** cos θ of each position and rotary pair, (T, R/2): θ = t/scale · base^(−2i/R), as the engine's rope table. */
function rotaryCosines(T: number, dim: number, base: number, scale: number): Float32Array {
  const out = new Float32Array(T * (dim / 2));
  for (let t = 0; t < T; t++) for (let i = 0; i < dim / 2; i++) out[t * (dim / 2) + i] = Math.cos((t / scale) * base ** ((-2 * i) / dim));
  return out;
}

export function EmbeddingsStage({ model, input, view, position }: StageProps) {
  const { dims } = model.config;
  const { C, P } = dims;
  const T = input.ids.length;
  const t = position.token;
  const { token, position: positionRows, tokenType, sum, normed } = view.embeddings;
  const rotary = view.architecture.rotary;
  const expected = useMemo(() => {
    let total = token;
    if (positionRows) total = added(total, positionRows);
    if (tokenType) total = added(total, tokenType);
    return total;
  }, [token, positionRows, tokenType]);
  const cosines = useMemo(() => rotary && rotaryCosines(T, rotary.dim, rotary.base, rotary.scale), [rotary, T]);
  const firstPosition = view.architecture.positionIds === 'after-padding' ? view.architecture.paddingIdx + 1 : 0;
  const describe = (name: string) => (r: number, c: number) => `${name} of ${tokenName(input, r)}, dimension ${c}`;
  return (
    <>
      <p>
        Token {tokenName(input, t)} (id {input.ids[t]}) looks up row {input.ids[t]} of the token embedding table: a vector of {C} numbers (‖E‖ = {fmt(norm(rowOf(token, t, C)))}).
        {dims.positions === 'rotary'
          ? ' This model adds no position vector: position enters later, inside attention, by rotating each head’s q and k (below).'
          : ` Then row ${firstPosition + t} of the ${dims.positions} position table (${P.toLocaleString('en-US')} rows) is added${tokenType ? ', and the row of its token type (segment)' : ''}: the same word at another place gets another vector.`}
      </p>
      <EmbeddingFormula positions={dims.positions} tokenTypes={tokenType !== undefined} />
      <MatrixCanvas values={token} rows={T} cols={C} scale="signed" label="Token embedding rows E[id]" describe={describe('E[id]')} highlightRow={t} testId="hiw-token-rows" />
      {positionRows && (
        <>
          <MatrixCanvas
            values={positionRows}
            rows={T}
            cols={C}
            scale="signed"
            label={`Position table rows ${firstPosition}..${firstPosition + T - 1} (the ${dims.positions} table has ${P} rows)`}
            describe={(r, c) => `position row ${firstPosition + r}, dimension ${c}`}
            highlightRow={t}
            testId="hiw-position-rows"
          />
          {dims.positions === 'sinusoidal' && <SinusoidalFormula />}
        </>
      )}
      {tokenType && <MatrixCanvas values={tokenType} rows={T} cols={C} scale="signed" label="Token type rows S[type]" describe={describe('S[type]')} highlightRow={t} />}
      {cosines && rotary && (
        <>
          <RotaryFormula dim={rotary.dim} base={rotary.base} scale={rotary.scale} />
          <p>
            Each head&apos;s first {rotary.dim} of {dims.D} dimensions form {rotary.dim / 2} pairs; pair i of a query or key at position t turns by θ = t·
            {rotary.base}<sup>−2i/{rotary.dim}</sup>{rotary.scale !== 1 && ` (positions divided by ${rotary.scale})`}. The picture is cos θ per position
            (rows) and pair (columns): pair 0 turns {fmt(1 / rotary.scale)} radian per position, pair {rotary.dim / 2 - 1} turns{' '}
            {fmt(rotary.base ** ((-2 * (rotary.dim / 2 - 1)) / rotary.dim) / rotary.scale)}. Turning q at position i and k at position j leaves
            their product depending on j − i alone.
          </p>
          <MatrixCanvas
            values={cosines}
            rows={T}
            cols={rotary.dim / 2}
            scale="signed"
            label="cos θ of the rotation per position and pair"
            describe={(r, c) => `position ${r}, pair ${c} (θ = ${fmt((r / rotary.scale) * rotary.base ** ((-2 * c) / rotary.dim))} rad)`}
            highlightRow={t}
            testId="hiw-rotary"
          />
        </>
      )}
      <MatrixCanvas values={sum} rows={T} cols={C} scale="signed" label="Their sum x, what the first block reads" describe={describe('x')} highlightRow={t} testId="hiw-embedding-sum" />
      <p className="muted" data-testid="hiw-embedding-check">
        The engine&apos;s sum and the rows added here {agreement(largestDifference(sum, expected))}.
      </p>
      {normed && (
        <>
          <p>
            A post-LN encoder normalises the sum once before the first block (the embeddings&apos; LayerNorm): ‖x‖ of {tokenName(input, t)} goes from{' '}
            {fmt(norm(rowOf(sum, t, C)))} to {fmt(norm(rowOf(normed, t, C)))}.
          </p>
          <MatrixCanvas values={normed} rows={T} cols={C} scale="signed" label="LayerNorm of the sum: the first block's input" describe={describe('LN(x)')} highlightRow={t} />
        </>
      )}
      <KernelList dispatches={view.kernels?.embeddings} timed={view.kernels?.timed} />
    </>
  );
}
