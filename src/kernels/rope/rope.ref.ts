import type { Floats } from '../types';

/** The rotary frequencies of a model: config rope_theta (Llama) or rotary_emb_base (GPT-NeoX), and the rotated width. */
export interface RopeFrequencies {
  /** Dimensions rotated at the start of each head: head_dim (Llama) or int(head_dim · rotary_pct) (GPT-NeoX). Even. */
  rotaryDim: number;
  base: number;
  /** rope_scaling {type: 'linear', factor}: positions / factor. Default 1 (no scaling). */
  linearFactor?: number;
}

/**
 * Hugging Face's inv_freq in float32, rounded where torch rounds: 1 / base^(2i / rotaryDim) for i < rotaryDim / 2
 * (`1.0 / (base ** (torch.arange(0, dim, 2).float() / dim))`), then divided by the linear factor (`inv_freq /= factor`).
 */
export function ropeInverseFrequencies({ rotaryDim, base, linearFactor = 1 }: RopeFrequencies): Float32Array {
  if (!(rotaryDim > 0 && rotaryDim % 2 === 0)) throw new Error(`rope: rotaryDim must be a positive even number, got ${rotaryDim}`);
  if (!(base > 0 && linearFactor > 0)) throw new Error(`rope: base (${base}) and the linear factor (${linearFactor}) must be positive`);
  const inverse = new Float32Array(rotaryDim / 2);
  for (let i = 0; i < rotaryDim / 2; i++) {
    const power = Math.fround(Math.pow(base, Math.fround((2 * i) / rotaryDim)));
    inverse[i] = Math.fround(Math.fround(1 / power) / linearFactor);
  }
  return inverse;
}

/**
 * cos and sin of every position's angles, (positions, rotaryDim / 2, 2): entry (p, i) = (cos θ, sin θ) with
 * θ = p·inv_freq[i], all in float32 as Hugging Face computes them (the angle rounded to f32, its cosine and sine rounded
 * to f32). The model builds it once for its context length; the rope kernels read it.
 */
export function ropeTable(frequencies: RopeFrequencies & { positions: number }): Float32Array {
  const inverse = ropeInverseFrequencies(frequencies);
  const half = inverse.length;
  const table = new Float32Array(frequencies.positions * half * 2);
  for (let p = 0; p < frequencies.positions; p++) {
    for (let i = 0; i < half; i++) {
      const theta = Math.fround(p * inverse[i]);
      table[(p * half + i) * 2] = Math.cos(theta);
      table[(p * half + i) * 2 + 1] = Math.sin(theta);
    }
  }
  return table;
}

export interface RopeArgs<Buf> {
  /**
   * Rotated in place: element d of head h in row r at x[(rowOffset + r)·stride + col + h·D + d]. Packed q|k|v rows
   * (T, (H + 2·Hkv)·D): col 0, heads H + Hkv (queries and keys in one pass). A separate q (T, H·D) or a KV cache's
   * k|v rows (P, 2·Hkv·D): one call each.
   */
  x: Buf;
  table: Buf; // (P, rotaryDim / 2, 2) from ropeTable; P must exceed every position rotated
  rows: number;
  heads: number; // consecutive heads rotated in each row
  D: number; // head size
  rotaryDim: number; // the first rotaryDim dimensions of each head rotate (rotate-half pairs d, d + rotaryDim / 2), the rest pass through
  stride: number; // floats per row of x
  col?: number; // column of the first head, default 0
  rowOffset?: number; // rows of x skipped before row 0 (a KV cache's first new row), default 0
  positionOffset?: number; // position of row 0, default 0 (p when decoding after p cached tokens)
  T?: number; // rows per sequence: row r sits at position positionOffset + r % T; default rows (one sequence)
}

/**
 * Hugging Face's rotate-half rotary embedding, x·cos + rotate_half(x)·sin over the first rotaryDim dimensions of each
 * head (GPT-NeoX and Llama): for the pair (d, d + rotaryDim / 2) at angle θ = position·inv_freq[d],
 * (x1, x2) → (x1·cos θ - x2·sin θ, x2·cos θ + x1·sin θ).
 */
export function ropeRef(args: RopeArgs<Floats>): void {
  rotate(args, 1);
}

/** The backward: the gradient (in place, in x's layout) rotated by -θ, the transpose of the forward's rotation. */
export function ropeBackwardRef(args: RopeArgs<Floats>): void {
  rotate(args, -1);
}

function rotate({ x, table, rows, heads, D, rotaryDim, stride, col = 0, rowOffset = 0, positionOffset = 0, T = rows }: RopeArgs<Floats>, sign: 1 | -1): void {
  const half = rotaryDim / 2;
  for (let r = 0; r < rows; r++) {
    const position = positionOffset + (r % T);
    for (let i = 0; i < half; i++) {
      const cos = table[(position * half + i) * 2];
      const sin = sign * table[(position * half + i) * 2 + 1];
      for (let h = 0; h < heads; h++) {
        const a = (rowOffset + r) * stride + col + h * D + i;
        const [x1, x2] = [x[a], x[a + half]];
        x[a] = x1 * cos - x2 * sin;
        x[a + half] = x2 * cos + x1 * sin;
      }
    }
  }
}
