import type { Floats } from '../matmulBackward/matmulBackward.ref';

/** Hugging Face's ignore index: a target of -100 contributes no loss and no gradient. */
export const IGNORE_INDEX = -100;

export interface CrossEntropyArgs<F, U> {
  /** (rows, V) logits in; ∂loss/∂logits out (in place, as llm.c's fused classifier). */
  logits: F;
  targets: U; // (rows) class ids as u32, IGNORE_INDEX stored as its u32 bit pattern
  losses: F; // (rows) each row's share of the loss: scale·(logsumexp - logit[target]), 0 when ignored
  rows: number;
  V: number;
  /** 1 / (targets counted in the whole batch, every micro-batch included): the losses sum to the batch mean. */
  scale: number;
}

/** Targets for the GPU: class ids in [0, V) and IGNORE_INDEX, checked, as u32. */
export function targetsToU32(targets: ArrayLike<number>, V: number): Uint32Array {
  const out = new Uint32Array(targets.length);
  for (let i = 0; i < targets.length; i++) {
    const target = targets[i];
    if (target !== IGNORE_INDEX && !(Number.isInteger(target) && target >= 0 && target < V)) {
      throw new Error(`target ${target} at ${i} is neither a class id in [0, ${V}) nor ${IGNORE_INDEX}`);
    }
    out[i] = target >>> 0;
  }
  return out;
}

/** Softmax cross-entropy and its gradient in one pass: dlogits = scale·(softmax - onehot(target)). */
export function crossEntropyRef({ logits, targets, losses, rows, V, scale }: CrossEntropyArgs<Floats, Uint32Array>): void {
  for (let r = 0; r < rows; r++) {
    const row = r * V;
    const target = targets[r];
    if (target >= V) {
      losses[r] = 0;
      logits.fill(0, row, row + V);
      continue;
    }
    let max = -Infinity;
    for (let v = 0; v < V; v++) max = Math.max(max, logits[row + v]);
    let sum = 0;
    for (let v = 0; v < V; v++) sum += Math.exp(logits[row + v] - max);
    losses[r] = scale * (Math.log(sum) + max - logits[row + target]);
    for (let v = 0; v < V; v++) logits[row + v] = scale * (Math.exp(logits[row + v] - max) / sum - (v === target ? 1 : 0));
  }
}
