import type { Floats } from '../matmulBackward/matmulBackward.ref';

export interface AttentionBackwardArgs<F> {
  dout: F; // (B, T, C) gradient of the attention output, C = H·D
  qkv: F; // (B, T, 3C) the forward's q | k | v rows
  probs: F; // (B, H, T, T) the forward's softmax probabilities: masked (causal or padding) entries are 0
  dscores: F; // (B, H, T, T) scratch: ∂loss/∂scores
  dqkv: F; // (B, T, 3C) written
  B: number;
  T: number;
  H: number;
  D: number;
}

/**
 * Backward of softmax(q·kᵀ/√D + mask)·v. Masks need no argument: a masked probability is 0, so its score
 * gradient P·(dP - Σ P·dP) is 0 too.
 */
export function attentionBackwardRef({ dout, qkv, probs, dscores, dqkv, B, T, H, D }: AttentionBackwardArgs<Floats>): void {
  const C = H * D;
  const scale = 1 / Math.sqrt(D);
  const q = (b: number, t: number, h: number, d: number) => qkv[(b * T + t) * 3 * C + h * D + d];
  const k = (b: number, t: number, h: number, d: number) => qkv[(b * T + t) * 3 * C + C + h * D + d];
  const v = (b: number, t: number, h: number, d: number) => qkv[(b * T + t) * 3 * C + 2 * C + h * D + d];
  const g = (b: number, t: number, h: number, d: number) => dout[(b * T + t) * C + h * D + d];
  const at = (b: number, h: number, i: number, j: number) => ((b * H + h) * T + i) * T + j;
  const dP = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let i = 0; i < T; i++) {
        let dot = 0;
        for (let j = 0; j < T; j++) {
          let sum = 0;
          for (let d = 0; d < D; d++) sum += g(b, i, h, d) * v(b, j, h, d);
          dP[j] = sum;
          dot += probs[at(b, h, i, j)] * sum;
        }
        for (let j = 0; j < T; j++) dscores[at(b, h, i, j)] = probs[at(b, h, i, j)] * (dP[j] - dot) * scale;
      }
    }
  }
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let h = 0; h < H; h++) {
        for (let d = 0; d < D; d++) {
          let dq = 0;
          let dk = 0;
          let dv = 0;
          for (let s = 0; s < T; s++) {
            dq += dscores[at(b, h, t, s)] * k(b, s, h, d);
            dk += dscores[at(b, h, s, t)] * q(b, s, h, d);
            dv += probs[at(b, h, s, t)] * g(b, s, h, d);
          }
          const row = (b * T + t) * 3 * C + h * D + d;
          dqkv[row] = dq;
          dqkv[row + C] = dk;
          dqkv[row + 2 * C] = dv;
        }
      }
    }
  }
}
