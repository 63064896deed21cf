// The walk's stages for a model: their labels (from its config), their order for the keyboard (every block's stages in
// turn), and which are inside a block.

import type { ModelInfo } from '../../engine/engine';
import { BLOCK_STAGES, WALKTHROUGH_STAGES, type StageId, type WalkthroughPosition } from '../../state/howItWorksSlice';

const ACTIVATIONS: Record<string, string> = { gelu_erf: 'GELU', gelu_tanh: 'GELU, tanh form', relu: 'ReLU', silu: 'SiLU' };

export function stageLabel(stage: StageId, model: ModelInfo, swiglu: boolean): string {
  const { prenorm, norm, positions, activation } = model.config.dims;
  const decoder = model.kind === 'decoder';
  switch (stage) {
    case 'tokens': return 'Text → token ids';
    case 'embeddings': return positions === 'rotary' ? 'Token embeddings (+ rotary positions)' : 'Token + position embeddings';
    case 'norm': return prenorm ? (norm === 'rmsnorm' ? 'RMSNorm' : 'LayerNorm') : 'No norm first (post-LN)';
    case 'qkv': return 'Q, K, V of one head';
    case 'scores': return 'Scores QKᵀ/√dₖ';
    case 'mask': return decoder ? 'Causal mask' : 'Padding mask';
    case 'softmax': return 'Softmax → weights';
    case 'mix': return 'Weighted sum of V';
    case 'project': return 'Concat heads · W_O';
    case 'residual1': return prenorm ? 'Residual + attention' : 'Add & LayerNorm';
    case 'ffn': return `Feed-forward (${swiglu ? 'SwiGLU' : ACTIVATIONS[activation] ?? activation})`;
    case 'residual2': return prenorm ? 'Residual + FFN' : 'Add & LayerNorm';
    case 'final-norm': return prenorm ? 'Final norm' : 'Final hidden states';
    case 'logits': return 'Logits';
    case 'output': return decoder ? 'Next token: τ, top-k, top-p' : `${model.maskToken ?? 'Mask'} predictions, first-token vector`;
    case 'stream': return 'Residual stream (all blocks)';
    case 'lens': return 'Logit lens (all blocks)';
  }
}

/** The next (or previous) place in the walk: through every block's stages in turn, then the outputs. */
export function step(position: WalkthroughPosition, by: 1 | -1, layers: number): Pick<WalkthroughPosition, 'stage' | 'layer'> {
  const { stage, layer } = position;
  const inBlock = BLOCK_STAGES.indexOf(stage);
  if (inBlock >= 0) {
    const next = inBlock + by;
    if (next >= 0 && next < BLOCK_STAGES.length) return { stage: BLOCK_STAGES[next], layer };
    if (by === 1 && layer + 1 < layers) return { stage: BLOCK_STAGES[0], layer: layer + 1 };
    if (by === -1 && layer > 0) return { stage: BLOCK_STAGES.at(-1)!, layer: layer - 1 };
  }
  const index = WALKTHROUGH_STAGES.indexOf(stage);
  const next = Math.max(0, Math.min(WALKTHROUGH_STAGES.length - 1, index + by));
  const target = WALKTHROUGH_STAGES[next];
  // Into the blocks from above: the first block's first stage; from below: the last block's last stage.
  if (BLOCK_STAGES.includes(target) && inBlock < 0) return by === 1 ? { stage: BLOCK_STAGES[0], layer: 0 } : { stage: BLOCK_STAGES.at(-1)!, layer: layers - 1 };
  return { stage: target, layer };
}
