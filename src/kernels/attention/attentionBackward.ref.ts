import type { Floats } from '../types';
import { kvGroup } from './attention.ref';

export interface AttentionBackwardArgs<F> {
  dout: F; // (B, Tq, H·D) gradient of the attention output
  /** (B, T, (H + 2·Hkv)·D) the forward's q | k | v rows: H query heads, then Hkv key heads, then Hkv value heads ((B, T, 3C) without GQA). */
  qkv: F;
  probs: F; // (B, H, Tq, T) the forward's softmax probabilities: masked (causal or padding) entries are 0
  dscores: F; // (B, H, Tq, T) scratch: ∂loss/∂scores
  /** (B, T, (H + 2·Hkv)·D) written in qkv's layout (the q part of rows past Tq is zero); a kv head's dk and dv sum over the query heads sharing it. */
  dqkv: F;
  B: number;
  T: number;
  H: number;
  /** Key and value heads, a divisor of H (grouped-query attention: query head h reads kv head floor(h / (H / Hkv))); default H. */
  Hkv?: number;
  D: number;
  /** The queries are the first Tq rows of each sequence (default T; 1: only [CLS], for BERT's last layer). */
  Tq?: number;
}

/**
 * Backward of softmax(q·kᵀ/√D + mask)·v. Masks need no argument: a masked probability is 0, so its score
 * gradient P·(dP - Σ P·dP) is 0 too.
 */
export function attentionBackwardRef({ dout, qkv, probs, dscores, dqkv, B, T, H, Hkv = H, D, Tq = T }: AttentionBackwardArgs<Floats>): void {
  const group = kvGroup(H, Hkv);
  const row = (H + 2 * Hkv) * D;
  const scale = 1 / Math.sqrt(D);
  const q = (b: number, t: number, h: number, d: number) => qkv[(b * T + t) * row + h * D + d];
  const k = (b: number, t: number, g: number, d: number) => qkv[(b * T + t) * row + (H + g) * D + d];
  const v = (b: number, t: number, g: number, d: number) => qkv[(b * T + t) * row + (H + Hkv + g) * D + d];
  const dy = (b: number, i: number, h: number, d: number) => dout[(b * Tq + i) * H * D + h * D + d];
  const at = (b: number, h: number, i: number, j: number) => ((b * H + h) * Tq + i) * T + j;
  const dP = new Float64Array(T);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const g = Math.floor(h / group);
      for (let i = 0; i < Tq; i++) {
        let dot = 0;
        for (let j = 0; j < T; j++) {
          let sum = 0;
          for (let d = 0; d < D; d++) sum += dy(b, i, h, d) * v(b, j, g, d);
          dP[j] = sum;
          dot += probs[at(b, h, i, j)] * sum;
        }
        for (let j = 0; j < T; j++) dscores[at(b, h, i, j)] = probs[at(b, h, i, j)] * (dP[j] - dot) * scale;
      }
    }
  }
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const base = (b * T + t) * row;
      for (let h = 0; h < H; h++) {
        for (let d = 0; d < D; d++) {
          let dq = 0;
          for (let s = 0; s < T; s++) if (t < Tq) dq += dscores[at(b, h, t, s)] * k(b, s, Math.floor(h / group), d);
          dqkv[base + h * D + d] = dq;
        }
      }
      for (let g = 0; g < Hkv; g++) {
        for (let d = 0; d < D; d++) {
          let dk = 0;
          let dv = 0;
          for (let h = g * group; h < (g + 1) * group; h++) {
            for (let i = 0; i < Tq; i++) {
              dk += dscores[at(b, h, i, t)] * q(b, i, h, d);
              dv += probs[at(b, h, i, t)] * dy(b, i, h, d);
            }
          }
          dqkv[base + (H + g) * D + d] = dk;
          dqkv[base + (H + Hkv + g) * D + d] = dv;
        }
      }
    }
  }
}
