// GPT-2 parameters from a Hugging Face checkpoint, under the checkpoint's own names (with or without the
// `transformer.` prefix). Conv1D weights stay as stored, (in, out): the matmul kernel reads them as `kn`.

import type { Gpt2Config } from './config';
import { CheckpointReader } from './checkpoint-reader';
import { renamed, type HostTensor } from './host-tensor';
import type { TensorSource } from './tensor-source';

export interface Gpt2BlockWeights {
  ln1Weight: HostTensor; // (C) h.{i}.ln_1.weight
  ln1Bias: HostTensor; // (C)
  attnWeight: HostTensor; // (C, 3C) h.{i}.attn.c_attn.weight: q, k, v side by side
  attnBias: HostTensor; // (3C)
  attnProjWeight: HostTensor; // (C, C) h.{i}.attn.c_proj.weight
  attnProjBias: HostTensor; // (C)
  ln2Weight: HostTensor; // (C) h.{i}.ln_2.weight
  ln2Bias: HostTensor; // (C)
  fcWeight: HostTensor; // (C, F) h.{i}.mlp.c_fc.weight
  fcBias: HostTensor; // (F)
  mlpProjWeight: HostTensor; // (F, C) h.{i}.mlp.c_proj.weight
  mlpProjBias: HostTensor; // (C)
}

export interface Gpt2Weights {
  wte: HostTensor; // (V, C) token embeddings, also the LM head when tied
  wpe: HostTensor; // (P, C) position embeddings, P = n_positions
  blocks: Gpt2BlockWeights[]; // (L)
  lnfWeight: HostTensor; // (C) ln_f.weight
  lnfBias: HostTensor; // (C)
  lmHead?: HostTensor; // (V, C) lm_head.weight, only when the checkpoint stores one (untied)
}

const BLOCK_FIELDS = [
  ['ln1Weight', 'ln_1.weight'],
  ['ln1Bias', 'ln_1.bias'],
  ['attnWeight', 'attn.c_attn.weight'],
  ['attnBias', 'attn.c_attn.bias'],
  ['attnProjWeight', 'attn.c_proj.weight'],
  ['attnProjBias', 'attn.c_proj.bias'],
  ['ln2Weight', 'ln_2.weight'],
  ['ln2Bias', 'ln_2.bias'],
  ['fcWeight', 'mlp.c_fc.weight'],
  ['fcBias', 'mlp.c_fc.bias'],
  ['mlpProjWeight', 'mlp.c_proj.weight'],
  ['mlpProjBias', 'mlp.c_proj.bias'],
] as const satisfies readonly (readonly [keyof Gpt2BlockWeights, string])[];

function blockShapes(config: Gpt2Config): Record<keyof Gpt2BlockWeights, number[]> {
  const { nEmbd: C, nInner: F } = config;
  return {
    ln1Weight: [C],
    ln1Bias: [C],
    attnWeight: [C, 3 * C],
    attnBias: [3 * C],
    attnProjWeight: [C, C],
    attnProjBias: [C],
    ln2Weight: [C],
    ln2Bias: [C],
    fcWeight: [C, F],
    fcBias: [F],
    mlpProjWeight: [F, C],
    mlpProjBias: [C],
  };
}

/** Reads and checks every GPT-2 parameter; throws one WeightsError listing all missing or misshapen tensors. */
export function gpt2WeightsFromSafetensors(file: TensorSource, config: Gpt2Config): Gpt2Weights {
  const reader = new CheckpointReader(file, file.has('transformer.wte.weight') ? 'transformer.' : '');
  const { vocabSize: V, nPositions: P, nEmbd: C, nLayer: L } = config;
  const shapes = blockShapes(config);
  const wte = reader.tensor('wte.weight', [V, C]);
  const wpe = reader.tensor('wpe.weight', [P, C]);
  const blocks = Array.from({ length: L }, (_, layer) => {
    const entries = BLOCK_FIELDS.map(([field, suffix]) => [
      field,
      reader.tensor(`h.${layer}.${suffix}`, shapes[field]),
    ]);
    return Object.fromEntries(entries) as Gpt2BlockWeights;
  });
  const weights: Gpt2Weights = {
    wte,
    wpe,
    blocks,
    lnfWeight: reader.tensor('ln_f.weight', [C]),
    lnfBias: reader.tensor('ln_f.bias', [C]),
  };
  if (reader.hasUnprefixed('lm_head.weight')) weights.lmHead = reader.unprefixedTensor('lm_head.weight', [V, C]);
  reader.finish(`a GPT-2 with V=${V}, P=${P}, C=${C}, L=${L}, F=${config.nInner}`);
  return weights;
}

/** The inverse, for export: tensors named as GPT2LMHeadModel saves them (`transformer.` prefix, tied head omitted). */
export function gpt2WeightsToTensors(weights: Gpt2Weights): HostTensor[] {
  const prefix = 'transformer.';
  const blockTensors = weights.blocks.flatMap((block, layer) =>
    BLOCK_FIELDS.map(([field, suffix]) => renamed(block[field], `${prefix}h.${layer}.${suffix}`)),
  );
  return [
    renamed(weights.wte, `${prefix}wte.weight`),
    renamed(weights.wpe, `${prefix}wpe.weight`),
    ...blockTensors,
    renamed(weights.lnfWeight, `${prefix}ln_f.weight`),
    renamed(weights.lnfBias, `${prefix}ln_f.bias`),
    ...(weights.lmHead ? [renamed(weights.lmHead, 'lm_head.weight')] : []),
  ];
}
