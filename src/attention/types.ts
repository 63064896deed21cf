// The attention of one input, as the views read it. Legend: L layers, H heads, T tokens, C width, D = C / H.

export interface AttentionSet {
  tokens: string[]; // (T) labels, as the tokenizer wrote them
  special: boolean[]; // (T) [CLS], [SEP], <|endoftext|>, …
  /** BERT sentence pairs: 0 for the first segment (with [CLS] and its [SEP]), 1 for the second. */
  typeIds?: number[]; // (T)
  ids?: number[]; // (T)
  /** GPT-2: query i sees keys 0..i only; the cells above the diagonal are masked. */
  causal: boolean;
  layers: number;
  heads: number;
  T: number;
  attentions: Float32Array[]; // (L) x (H, T, T), row-major, each row a softmax
  /** Each layer's query | key | value rows, (L) x (T, 3C), head h at columns h·D.. of each third. */
  qkv?: Float32Array[];
}

/** What the heatmap reduces the heads of a layer to: one head, their mean or max, or the rollout up to the layer. */
export type Reduction = 'head' | 'mean' | 'max' | 'rollout';

/** Which part of a BERT sentence pair is shown: every cell, first-segment queries on second-segment keys, or back. */
export type PairFilter = 'all' | 'a-to-b' | 'b-to-a';

/** A matrix as shown: the token indices of its rows and columns, and the weights of those cells. */
export interface ShownMatrix {
  rows: number[]; // (R) token indices of the query rows
  cols: number[]; // (K) token indices of the key columns
  values: Float32Array; // (R, K) row-major
  /** 1 where the cell is hidden by the causal mask (key after query). */
  masked: Uint8Array; // (R, K)
}
