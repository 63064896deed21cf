import type { Floats } from '../types';

export interface AdamwHyperparameters {
  lr: number; // this step's learning rate (from the schedule)
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number; // decoupled; 0 for tensors excluded from decay
}

export interface AdamwArgs<F> extends AdamwHyperparameters {
  param: F; // (n) updated in place
  grad: F; // (n) read; multiplied by clipScale
  m: F; // (n) first moment, updated
  v: F; // (n) second moment, updated
  n: number;
  step: number; // 1 on the first update
  /** The gradient multiplier from global-norm clipping (1 when not clipping). */
  clipScale: number;
}

/** min(1, maxNorm / (norm + 1e-6)) as torch.nn.utils.clip_grad_norm_; no clipping when maxNorm is 0. */
export function clipScaleRef(norm: number, maxNorm: number): number {
  return maxNorm > 0 ? Math.min(1, maxNorm / (norm + 1e-6)) : 1;
}

/**
 * One AdamW update in torch.optim.AdamW's order: p ← p·(1 - lr·wd), then
 * p ← p - (lr / (1 - β1ᵗ))·m / (√v / √(1 - β2ᵗ) + eps).
 */
export function adamwRef({ param, grad, m, v, n, step, clipScale, lr, beta1, beta2, eps, weightDecay }: AdamwArgs<Floats>): void {
  const stepSize = lr / (1 - beta1 ** step);
  const correction2Sqrt = Math.sqrt(1 - beta2 ** step);
  for (let i = 0; i < n; i++) {
    const g = grad[i] * clipScale;
    m[i] = beta1 * m[i] + (1 - beta1) * g;
    v[i] = beta2 * v[i] + (1 - beta2) * g * g;
    param[i] = param[i] * (1 - lr * weightDecay) - (stepSize * m[i]) / (Math.sqrt(v[i]) / correction2Sqrt + eps);
  }
}
