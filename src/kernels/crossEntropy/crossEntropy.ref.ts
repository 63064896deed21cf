import type { Floats } from '../types';

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
