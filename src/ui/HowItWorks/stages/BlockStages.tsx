import { useMemo } from 'react';
import type { StageProps } from './types';
import { tokenName } from './types';
import { MatrixCanvas } from '../MatrixCanvas';
import { FfnFormula, ResidualFormula } from '../Formulas';
import { KernelList } from '../KernelList';
import { added, agreement, countWhere, fmt, largestDifference, maxAbs, mean, norm, rowOf, std } from '../numbers';
import { Predictions } from './OutputStages';
import { predictions } from '../../../state/howItWorksSlice';

const ACTIVATION_NAMES: Record<string, string> = { gelu_erf: 'GELU', gelu_tanh: 'GELU', relu: 'ReLU', silu: 'SiLU' };

export function Residual1Stage({ model, input, view, position, layer }: StageProps) {
  const { C, prenorm } = model.config.dims;
  const t = position.token;
  const sum = useMemo(() => layer && added(layer.input, layer.attnOut), [layer]);
  if (!layer || !sum) return null;
  const T = input.ids.length;
  const parallel = view.architecture.parallelResidual;
  const x = rowOf(layer.input, t, C);
  const a = rowOf(layer.attnOut, t, C);
  const r = rowOf(layer.residual1, t, C);
  return (
    <>
      {prenorm ? (
        <p>
          The attention output is added to the block&apos;s input, not put in its place: the residual stream keeps what it had and gains what attention
          found. For {tokenName(input, t)}: ‖x‖ = {fmt(norm(x))}, ‖Attn‖ = {fmt(norm(a))}, ‖x + Attn‖ = {fmt(norm(r))}
          {parallel
            ? '. GPT-NeoX runs attention and the feed-forward network side by side on the same input and adds both to the stream; this intermediate sum (input + attention) is computed here for the picture.'
            : ` (the engine's sum and x + Attn computed here ${agreement(largestDifference(layer.residual1, sum))}).`}
        </p>
      ) : (
        <p>
          Post-LN: the attention output is added to the block&apos;s input and the sum is normalised (LayerNorm). For {tokenName(input, t)}: ‖x‖ = {fmt(norm(x))}, ‖Attn‖ = {fmt(norm(a))},
          ‖x + Attn‖ = {fmt(norm(rowOf(sum, t, C)))}; after the LayerNorm the row has mean {fmt(mean(r))} and std {fmt(std(r))} (γ and β set those).
        </p>
      )}
      <ResidualFormula prenorm={prenorm} branch="Attn" parallel={parallel} />
      <MatrixCanvas values={layer.residual1} rows={T} cols={C} scale="signed" label={prenorm ? 'x + Attn: the stream after attention' : 'LN(x + Attn): the stream after attention'} describe={(row, c) => `stream of ${tokenName(input, row)}, dimension ${c}`} highlightRow={t} testId="hiw-residual1" />
      <KernelList
        dispatches={view.kernels?.layers[position.layer]?.residual1}
        timed={view.kernels?.timed}
        note={parallel ? 'Computed on the host for this picture: the model adds both branches into the stream in place (the adds are listed at Residual 2).' : undefined}
      />
    </>
  );
}

export function FfnStage({ model, input, view, position, layer }: StageProps) {
  const { C, F, activation } = model.config.dims;
  const t = position.token;
  if (!layer) return null;
  const T = input.ids.length;
  const swiglu = view.architecture.mlp === 'swiglu';
  const hidden = rowOf(layer.ffnHidden, t, F);
  const positive = countWhere(hidden, (v) => v > 0);
  const strong = countWhere(hidden, (v) => Math.abs(v) >= 0.1 * maxAbs(hidden));
  const allPositive = countWhere(layer.ffnHidden, (v) => v > 0);
  const name = ACTIVATION_NAMES[activation] ?? activation;
  const kernels = view.kernels?.layers[position.layer];
  return (
    <>
      <p>
        Then each token on its own goes through a two-layer network{model.config.dims.prenorm && !view.architecture.parallelResidual ? ` (after its own ${model.config.dims.norm === 'rmsnorm' ? 'RMSNorm' : 'LayerNorm'}, the first kernel below)` : ''}: widened from {C} to {F} numbers, passed through {swiglu ? 'a SiLU gate (SwiGLU)' : name}, and
        projected back to {C}. Attention moved information between tokens; this is where each token&apos;s vector is transformed.{' '}
        <span data-testid="hiw-active">
          {swiglu
            ? `For ${tokenName(input, t)}, ${positive} of ${F} hidden values are positive and ${F - positive} negative (silu(gate)·up has either sign); ${strong} are at least a tenth of the largest (${fmt(maxAbs(hidden))}).`
            : activation === 'relu'
              ? `For ${tokenName(input, t)}, ReLU zeroed ${F - positive} of ${F} hidden units: ${positive} are active.`
              : `For ${tokenName(input, t)}, ${positive} of ${F} hidden units are positive (GELU passes positive inputs nearly as they are and squashes negative ones towards 0; the most negative here is ${fmt(Math.min(...hidden))}).`}
        </span>{' '}
        Over all {T} tokens, {((allPositive / (T * F)) * 100).toFixed(1)}% of the hidden values are positive.
      </p>
      <FfnFormula swiglu={swiglu} activation={name} />
      <MatrixCanvas values={layer.ffnHidden} rows={T} cols={F} scale="signed" label={`Hidden activations (${F} per token)`} describe={(row, c) => `hidden of ${tokenName(input, row)}, unit ${c}`} highlightRow={t} testId="hiw-ffn-hidden" />
      <MatrixCanvas values={layer.ffnOut} rows={T} cols={C} scale="signed" label="FFN output" describe={(row, c) => `FFN of ${tokenName(input, row)}, dimension ${c}`} highlightRow={t} />
      <KernelList dispatches={kernels && [...(kernels.ffnHidden ?? []), ...(kernels.ffnOut ?? [])]} timed={view.kernels?.timed} />
    </>
  );
}

export function Residual2Stage({ model, input, view, position, layer }: StageProps) {
  const { C, prenorm, L } = model.config.dims;
  const t = position.token;
  const lens = useMemo(() => (layer?.logitLens && view.lensPosition === t ? predictions(layer.logitLens) : undefined), [layer, view.lensPosition, t]);
  if (!layer) return null;
  const T = input.ids.length;
  const parallel = view.architecture.parallelResidual;
  const before = parallel ? layer.input : layer.residual1;
  const l = position.layer;
  const encoder = model.kind === 'encoder';
  return (
    <>
      <p>
        {prenorm
          ? `The FFN output is added to the stream too: ‖x‖ of ${tokenName(input, t)} goes from ${fmt(norm(rowOf(before, t, C)))} to ${fmt(norm(rowOf(layer.residual2, t, C)))}.`
          : `Post-LN again: the FFN output is added and the sum normalised; the row of ${tokenName(input, t)} has mean ${fmt(mean(rowOf(layer.residual2, t, C)))} and std ${fmt(std(rowOf(layer.residual2, t, C)))}.`}{' '}
        This is block {l}&apos;s output{l + 1 < L ? `, the input of block ${l + 1}` : ', the last block’s'}.
      </p>
      <ResidualFormula prenorm={prenorm} branch="FFN" parallel={parallel} />
      <MatrixCanvas values={layer.residual2} rows={T} cols={C} scale="signed" label={`Block ${l}'s output`} describe={(row, c) => `stream of ${tokenName(input, row)}, dimension ${c}`} highlightRow={t} testId="hiw-residual2" />
      <KernelList dispatches={view.kernels?.layers[l]?.residual2} timed={view.kernels?.timed} />
      {lens && (
        <>
          <h3>Logit lens at block {l}</h3>
          <p>
            {encoder ? 'The masked-LM head' : 'The final norm and the LM head'} applied to this block&apos;s output at {tokenName(input, t)}: what the model would{' '}
            {encoder ? 'fill in there' : 'predict next'} if it stopped after block {l}.
          </p>
          <Predictions rows={lens} testId="hiw-lens-block" />
          <KernelList dispatches={view.kernels?.layers[l]?.lens} timed={view.kernels?.timed} />
        </>
      )}
    </>
  );
}
