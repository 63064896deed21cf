// The matrix a heatmap shows for a layer and head (or a reduction), after the token filters.

import { rolloutOfLayers } from './rollout';
import { headMatrix, maxOverHeads, meanOverHeads } from './heads';
import { nonSpecial, restrict, shownTokens, type TokenFilter } from './filter';
import type { AttentionSet, Reduction, ShownMatrix } from './types';

export interface MatrixChoice {
  layer: number;
  head: number;
  reduction: Reduction;
}

/** The full (T, T) matrix of a choice, before filters. */
export function sourceMatrix(set: AttentionSet, { layer, head, reduction }: MatrixChoice): Float32Array {
  const block = set.attentions[layer];
  if (reduction === 'mean') return meanOverHeads(block, set.heads, set.T);
  if (reduction === 'max') return maxOverHeads(block, set.heads, set.T);
  if (reduction === 'rollout') return rolloutOfLayers(set.attentions, set.heads, set.T, layer);
  return headMatrix(block, set.T, head);
}

/** The shown matrix: the choice's matrix restricted to the filtered tokens (renormalised when specials are hidden). */
export function shownMatrix(set: AttentionSet, choice: MatrixChoice, filter: TokenFilter, source = sourceMatrix(set, choice)): ShownMatrix {
  const { rows, cols } = shownTokens(filter, set.special, set.typeIds);
  return restrict(source, set.T, rows, cols, set.causal, filter.hideSpecial ? nonSpecial(set.special) : undefined);
}
