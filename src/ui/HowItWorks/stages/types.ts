import type { ModelInfo } from '../../../engine/engine';
import type { HeadStages, TraceView } from '../../../engine/trace';
import type { WalkthroughDepth, WalkthroughInput, WalkthroughPosition } from '../../../state/howItWorksSlice';

/** What every stage reads: the model, the text as ids, the trace, where the walk is. */
export interface StageProps {
  model: ModelInfo;
  input: WalkthroughInput;
  view: TraceView;
  position: WalkthroughPosition;
  /** The chosen layer's stages (block stages only). */
  layer?: HeadStages;
  depth?: WalkthroughDepth;
}

/** A token for prose: its index and text, quoted. */
export const tokenName = (input: WalkthroughInput, t: number) => `${t}: ${JSON.stringify(input.tokens[t])}`;
