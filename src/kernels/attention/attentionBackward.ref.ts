import type { Floats } from '../types';

export interface AttentionBackwardArgs<F> {
  dout: F; // (B, Tq, C) gradient of the attention output, C = H·D
  qkv: F; // (B, T, 3C) the forward's q | k | v rows
  probs: F; // (B, H, Tq, T) the forward's softmax probabilities: masked (causal or padding) entries are 0
  dscores: F; // (B, H, Tq, T) scratch: ∂loss/∂scores
  dqkv: F; // (B, T, 3C) written (the q part of rows past Tq is zero)
  B: number;
  T: number;
  H: number;
  D: number;
  /** The queries are the first Tq rows of each sequence (default T; 1: only [CLS], for BERT's last layer). */
  Tq?: number;
}

/**
 * Backward of softmax(q·kᵀ/√D + mask)·v. Masks need no argument: a masked probability is 0, so its score
 * gradient P·(dP - Σ P·dP) is 0 too.
 */
export function attentionBackwardRef({ dout, qkv, probs, dscores, dqkv, B, T, H, D, Tq = T }: AttentionBackwardArgs<Floats>): void {
  const C = H * D;
  const scale = 1 / Math.sqrt(D);
  const q = (b: number, t: number, h: number, d: number) => qkv[(b * T + t) * 3 * C + h * D + d];
  const k = (b: number, t: number, h: number, d: number) => qkv[(b * T + t) * 3 * C + C + h * D + d];
  const v = (b: number, t: number, h: number, d: number) => qkv[(b * T + t) * 3 * C + 2 * C + h * D + d];
  const g = (b: number, i: number, h: number, d: number) => dout[(b * Tq + i) * C + h * D + d];
  const at = (b: number, h: number, i: number, j: number) => ((b * H + h) * Tq + i) * T + j;
  const dP = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      for (let i = 0; i < Tq; i++) {
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
          for (let s = 0; s < T; s++) if (t < Tq) dq += dscores[at(b, h, t, s)] * k(b, s, h, d);
          for (let i = 0; i < Tq; i++) {
            dk += dscores[at(b, h, i, t)] * q(b, i, h, d);
            dv += probs[at(b, h, i, t)] * g(b, i, h, d);
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
