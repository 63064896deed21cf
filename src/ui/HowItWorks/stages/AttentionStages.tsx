import { useMemo } from 'react';
import type { StageProps } from './types';
import { tokenName } from './types';
import { MatrixCanvas } from '../MatrixCanvas';
import { MaskFormula, MixFormula, NormFormula, ProjectFormula, QkvFormula, ScoresFormula, SoftmaxFormula } from '../Formulas';
import { KernelList } from '../KernelList';
import { agreement, countWhere, dot, fmt, largestDifference, mean, norm, rms, rowOf, std, weightedSum } from '../numbers';
import { topK } from '../../../common/softmax';

/** The attention kernel computes scores, mask, softmax and the weighted sum in one dispatch. */
const FUSED = 'One flash-attention dispatch computes the scores, the mask, the softmax and the weighted sum together, without storing the scores.';

export function NormStage({ model, input, view, position, layer }: StageProps) {
  const { C, norm: kind, prenorm } = model.config.dims;
  const t = position.token;
  const l = position.layer;
  if (!layer) return null;
  if (!prenorm) {
    return (
      <p>
        This is a post-LN encoder (BERT&apos;s layout): block {l}&apos;s attention reads the block&apos;s input as it is. Its LayerNorms come after each
        residual addition (the two Residual stages), and the input was already normalised there (or, for block 0, after the embeddings).
      </p>
    );
  }
  const x = rowOf(layer.input, t, C);
  const y = rowOf(layer.normed, t, C);
  const T = input.ids.length;
  const describe = (name: string) => (r: number, c: number) => `${name} of ${tokenName(input, r)}, dimension ${c}`;
  return (
    <>
      <p>
        Before attention, block {l} normalises each token&apos;s vector on its own ({kind === 'rmsnorm' ? 'RMSNorm: divided by its root mean square' : 'LayerNorm: centred, divided by its standard deviation'}, then scaled by the learned γ
        {kind === 'layernorm' ? ' and shifted by β' : ''}). For {tokenName(input, t)}: {kind === 'rmsnorm' ? `rms ${fmt(rms(x))} → ${fmt(rms(y))}` : `mean ${fmt(mean(x))}, std ${fmt(std(x))} → mean ${fmt(mean(y))}, std ${fmt(std(y))}`}.
      </p>
      <NormFormula kind={kind} />
      <MatrixCanvas values={layer.input} rows={T} cols={C} scale="signed" label={`Block ${l}'s input x`} describe={describe('x')} highlightRow={t} />
      <MatrixCanvas values={layer.normed} rows={T} cols={C} scale="signed" label={`Norm(x): what attention reads`} describe={describe('Norm(x)')} highlightRow={t} testId="hiw-normed" />
      <KernelList dispatches={view.kernels?.layers[l]?.normed} timed={view.kernels?.timed} />
    </>
  );
}

export function QkvStage({ model, input, view, position, layer }: StageProps) {
  const { H, Hkv, D } = model.config.dims;
  const t = position.token;
  const { head, layer: l } = position;
  if (!layer) return null;
  const T = input.ids.length;
  const Tk = layer.k.length / D;
  const shared = Array.from({ length: H }, (_, h) => h).filter((h) => Math.floor(h / (H / Hkv)) === layer.kvHead);
  const describe = (name: string) => (r: number, c: number) => `${name} of ${tokenName(input, r)}, dimension ${c}`;
  return (
    <>
      <p>
        Three learned projections turn each normalised vector into a query (what this token looks for), a key (what it offers) and a value (what it
        passes on). Head {head} of {H} works in {D} dimensions: q of {tokenName(input, t)} has ‖q‖ = {fmt(norm(rowOf(layer.q, t, D)))}.
        {Hkv < H && ` Grouped-query attention: ${H} query heads share ${Hkv} key/value heads, so head ${head} reads kv head ${layer.kvHead}, with heads ${shared.join(', ')}.`}
        {view.architecture.rotary && ` q and k are shown after their rotary rotation (the first ${view.architecture.rotary.dim} of ${D} dimensions turned by position).`}
      </p>
      <QkvFormula />
      <div className="hiw-strips">
        <MatrixCanvas values={layer.q} rows={T} cols={D} scale="signed" label={`q, head ${head}`} describe={describe('q')} highlightRow={t} maxWidth={240} testId="hiw-q" />
        <MatrixCanvas values={layer.k} rows={Tk} cols={D} scale="signed" label={`k, kv head ${layer.kvHead}`} describe={describe('k')} highlightRow={t} maxWidth={240} testId="hiw-k" />
        <MatrixCanvas values={layer.v} rows={Tk} cols={D} scale="signed" label={`v, kv head ${layer.kvHead}`} describe={describe('v')} maxWidth={240} testId="hiw-v" />
      </div>
      <KernelList dispatches={view.kernels?.layers[l]?.qkv} timed={view.kernels?.timed} />
    </>
  );
}

/** The keys of query t by score, highest first. */
function strongest(row: Float32Array, k: number) {
  return topK(Array.from(row, (value) => (value === -Infinity ? -Number.MAX_VALUE : value)), k).filter(({ value }) => value > -Number.MAX_VALUE);
}

export function ScoresStage({ model, input, view, position, layer }: StageProps) {
  const { D } = model.config.dims;
  const t = position.token;
  if (!layer) return null;
  const T = input.ids.length;
  const Tk = layer.k.length / D;
  const row = rowOf(layer.scores, t, Tk);
  const best = strongest(row, 3);
  const top = best[0];
  const raw = top && dot(rowOf(layer.q, t, D), rowOf(layer.k, top.index, D));
  return (
    <>
      <p>
        Every query meets every key: the dot product q<sub>i</sub>·k<sub>j</sub> says how well token j answers token i, divided by √{D} = {fmt(Math.sqrt(D))} so the
        scores do not grow with the head size. For {tokenName(input, t)} the highest score is with {top && tokenName(input, top.index)}: q·k = {fmt(raw)}, ÷ √{D} = {fmt(top?.value ?? 0)}
        {best.length > 1 && `; next ${best.slice(1).map((b) => `${tokenName(input, b.index)} (${fmt(b.value)})`).join(', ')}`}.
      </p>
      <ScoresFormula D={D} />
      <MatrixCanvas
        values={layer.scores}
        rows={T}
        cols={Tk}
        scale="signed"
        label={`Scores q·kᵀ/√${D} (query rows, key columns; grey: masked)`}
        describe={(r, c) => `query ${tokenName(input, r)}, key ${tokenName(input, c)}`}
        highlightRow={t}
        testId="hiw-scores"
      />
      <p className="muted">{FUSED} These scores are recomputed here from the q and k above.</p>
      <KernelList dispatches={view.kernels?.layers[position.layer]?.probs} timed={view.kernels?.timed} />
    </>
  );
}

export function MaskStage({ model, input, position, layer }: StageProps) {
  const causal = model.kind === 'decoder';
  const t = position.token;
  const T = input.ids.length;
  const masked = useMemo(() => (layer ? countWhere(layer.scores, (value) => value === -Infinity) : 0), [layer]);
  const other = useMemo(() => {
    // What the other kind of model would hide on this same text: the causal mask for an encoder, nothing for a decoder.
    const grid = new Float32Array(T * T);
    for (let i = 0; i < T; i++) for (let j = 0; j < T; j++) grid[i * T + j] = !causal && j > i ? -Infinity : 0;
    return grid;
  }, [T, causal]);
  if (!layer) return null;
  const Tk = layer.k.length / model.config.dims.D;
  const seen = countWhere(rowOf(layer.scores, t, Tk), (value) => value !== -Infinity);
  const pairs = T * T;
  const mine = layer.scores.map((value) => (value === -Infinity ? -Infinity : 0));
  return (
    <>
      {causal ? (
        <p>
          A decoder may not look ahead: it is trained to predict each next token, so the score of every later key is set to −∞ before the softmax (the
          causal mask). On this text of {T} tokens that hides <strong data-testid="hiw-masked">{masked}</strong> of {pairs} pairs; {tokenName(input, t)} sees{' '}
          {seen} keys (itself and the {seen - 1} before it). An encoder reading the same text would hide none of them: each token would see all {T}.
        </p>
      ) : (
        <p>
          An encoder reads the whole text at once: every token may look at every other, earlier or later. Its only mask hides padding (the filler that
          makes a batch of texts the same length), and this text is one sequence with no padding: <strong data-testid="hiw-masked">{masked}</strong> of {pairs}{' '}
          pairs are hidden, and {tokenName(input, t)} sees all {seen} keys. A decoder reading the same text would hide the {(T * (T - 1)) / 2} pairs where the
          key comes after the query (the right-hand picture).
        </p>
      )}
      <MaskFormula causal={causal} />
      <div className="hiw-strips">
        <MatrixCanvas values={mine} rows={T} cols={Tk} scale="signed" label={`This model's mask (grey: hidden)`} describe={(r, c) => `query ${tokenName(input, r)}, key ${tokenName(input, c)}`} highlightRow={t} maxWidth={360} testId="hiw-mask" />
        <MatrixCanvas
          values={other}
          rows={T}
          cols={T}
          scale="signed"
          label={causal ? 'An encoder on this text: nothing hidden' : 'A decoder on this text: the causal mask'}
          describe={(r, c) => `query ${tokenName(input, r)}, key ${tokenName(input, c)}`}
          highlightRow={t}
          maxWidth={360}
        />
      </div>
      <p className="muted">{FUSED} The mask is part of it: the kernel never visits the hidden keys.</p>
    </>
  );
}

export function SoftmaxStage({ model, input, view, position, layer }: StageProps) {
  const { D } = model.config.dims;
  const t = position.token;
  if (!layer) return null;
  const T = input.ids.length;
  const Tk = layer.k.length / D;
  const row = rowOf(layer.probs, t, Tk);
  let rowSum = 0;
  let maskedWeight = 0;
  for (let j = 0; j < Tk; j++) {
    rowSum += row[j];
    if (layer.scores[t * Tk + j] === -Infinity) maskedWeight = Math.max(maskedWeight, row[j]);
  }
  const best = topK(row, 3);
  return (
    <>
      <p>
        The softmax turns each query&apos;s scores into weights: positive, and summing to 1 over the keys (the row of {tokenName(input, t)} sums to{' '}
        <span data-testid="hiw-row-sum">{rowSum.toFixed(6)}</span>; masked keys get {fmt(maskedWeight)}). {tokenName(input, t)} puts{' '}
        {best.map((b) => `${(b.value * 100).toFixed(1)}% on ${tokenName(input, b.index)}`).join(', ')}.
      </p>
      <SoftmaxFormula />
      <MatrixCanvas
        values={layer.probs}
        rows={T}
        cols={Tk}
        scale="unit"
        label={`Attention weights, layer ${position.layer} head ${position.head} (query rows, key columns)`}
        describe={(r, c) => `query ${tokenName(input, r)}, key ${tokenName(input, c)}`}
        highlightRow={t}
        testId="hiw-probs"
      />
      <p className="muted">These weights are the attention kernel&apos;s own output (written out because the trace asked for them). {FUSED}</p>
      <KernelList dispatches={view.kernels?.layers[position.layer]?.probs} timed={view.kernels?.timed} />
    </>
  );
}

export function MixStage({ model, input, view, position, layer }: StageProps) {
  const { D } = model.config.dims;
  const t = position.token;
  const weights = layer && rowOf(layer.probs, t, layer.k.length / D);
  const recomputed = useMemo(() => weights && layer && weightedSum(weights, layer.v, D), [weights, layer, D]);
  if (!layer || !recomputed) return null;
  const T = input.ids.length;
  const Tk = layer.k.length / D;
  return (
    <>
      <p>
        Each query takes the weighted average of the values: o<sub>i</sub> = Σ p<sub>ij</sub> v<sub>j</sub>, the information head {position.head} moves into {tokenName(input, t)}. The sum
        recomputed here from the weights and values shown and the kernel&apos;s {agreement(largestDifference(recomputed, rowOf(layer.mixed, t, D)))}.
      </p>
      <MixFormula />
      <div className="hiw-strips">
        <MatrixCanvas values={layer.v} rows={Tk} cols={D} scale="signed" label={`v, kv head ${layer.kvHead}`} describe={(r, c) => `v of ${tokenName(input, r)}, dimension ${c}`} maxWidth={240} />
        <MatrixCanvas values={layer.mixed} rows={T} cols={D} scale="signed" label={`o = p · v, head ${position.head}`} describe={(r, c) => `o of ${tokenName(input, r)}, dimension ${c}`} highlightRow={t} maxWidth={240} testId="hiw-mixed" />
      </div>
      <p className="muted">{FUSED}</p>
      <KernelList dispatches={view.kernels?.layers[position.layer]?.mixed} timed={view.kernels?.timed} />
    </>
  );
}

export function ProjectStage({ model, input, view, position, layer }: StageProps) {
  const { H, D, C } = model.config.dims;
  const t = position.token;
  if (!layer) return null;
  const T = input.ids.length;
  return (
    <>
      <p>
        Every head did the same with its own projections. Their {H} outputs of {D} numbers are laid side by side ({H} × {D} = {H * D}) and one more learned
        matrix W<sub>O</sub> mixes them back into the {C}-wide stream: ‖Attn‖ of {tokenName(input, t)} = {fmt(norm(rowOf(layer.attnOut, t, C)))}.
      </p>
      <ProjectFormula H={H} />
      <MatrixCanvas values={layer.attnOut} rows={T} cols={C} scale="signed" label="Attention output Concat(o)·W_O" describe={(r, c) => `Attn of ${tokenName(input, r)}, dimension ${c}`} highlightRow={t} testId="hiw-attn-out" />
      <KernelList dispatches={view.kernels?.layers[position.layer]?.attnOut} timed={view.kernels?.timed} />
    </>
  );
}
