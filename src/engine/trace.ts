// What `playground.trace` and the "How it works" tab show: the engine's forward trace (src/models/trace.ts) cut to one
// head, with the pre-softmax scores and the logit lens of every layer. Row-major arrays; shapes in the comments.

import type { ForwardTrace, ModelDims } from '../models/family';

export interface HeadStages {
  normed: Float32Array; // (T, C) what the block's attention reads
  q: Float32Array; // (T, D) the chosen head's queries (after rotary, where the model has it)
  k: Float32Array; // (Tk, D) its keys (the shared kv head's with grouped-query attention)
  v: Float32Array; // (Tk, D)
  scores: Float32Array; // (T, Tk) q·kᵀ/√D with the mask applied (-Infinity where a query may not look)
  probs: Float32Array; // (T, Tk) softmax of scores, as the attention kernel computed it
  mixed: Float32Array; // (T, D) probs · v
  attnOut: Float32Array; // (T, C) every head's mixed values through the output projection
  residual1: Float32Array; // (T, C)
  ffnHidden: Float32Array; // (T, F)
  ffnOut: Float32Array; // (T, C)
  residual2: Float32Array; // (T, C)
  /** (V) the final norm and LM head (encoders: the MLM head) applied to this layer's output at `lensPosition`. */
  logitLens?: Float32Array;
  /** The kv head the chosen query head reads (differs from `head` with grouped-query attention). */
  kvHead: number;
}

export interface TraceView {
  T: number;
  head: number;
  lensPosition: number;
  embeddings: ForwardTrace['embeddings'];
  layers: (HeadStages | undefined)[];
  final: { normed: Float32Array; logits: Float32Array }; // (T, C), (T, V) or for encoders without an LM head (T, C)
}

/** Cuts a trace to one head; `mask(i, j)` says whether query i may look at key j (causal, padding). */
export function headView(trace: ForwardTrace, dims: ModelDims, T: number, head: number, logits: Float32Array, mask: (i: number, j: number) => boolean): TraceView {
  const { H, Hkv, D } = dims;
  if (!Number.isInteger(head) || head < 0 || head >= H) throw new Error(`Head ${head} is outside this model's 0..${H - 1}.`);
  const kvHead = Math.floor(head / (H / Hkv));
  const W = (H + 2 * Hkv) * D;
  const columns = (rows: Float32Array, width: number, offset: number) => {
    const count = rows.length / width;
    const out = new Float32Array(count * D);
    for (let t = 0; t < count; t++) out.set(rows.subarray(t * width + offset, t * width + offset + D), t * D);
    return out;
  };
  const layers = trace.layers.map((layer) => {
    if (!layer) return undefined;
    const Tk = layer.probs.length / (H * T);
    const q = columns(layer.qkv, W, head * D);
    const k = columns(layer.qkv, W, (H + kvHead) * D);
    const v = columns(layer.qkv, W, (H + Hkv + kvHead) * D);
    const scores = new Float32Array(T * Tk);
    for (let i = 0; i < T; i++) {
      for (let j = 0; j < Tk; j++) {
        if (!mask(i, j)) {
          scores[i * Tk + j] = -Infinity;
          continue;
        }
        let dot = 0;
        for (let d = 0; d < D; d++) dot += q[i * D + d] * k[j * D + d];
        scores[i * Tk + j] = dot / Math.sqrt(D);
      }
    }
    return {
      normed: layer.normed,
      q, k, v, scores,
      probs: layer.probs.slice(head * T * Tk, (head + 1) * T * Tk),
      mixed: columns(layer.mixed, H * D, head * D),
      attnOut: layer.attnOut,
      residual1: layer.residual1,
      ffnHidden: layer.ffnHidden,
      ffnOut: layer.ffnOut,
      residual2: layer.residual2,
      logitLens: layer.lens,
      kvHead,
    };
  });
  return { T, head, lensPosition: trace.lensPosition, embeddings: trace.embeddings, layers, final: { normed: trace.final.normed, logits } };
}
