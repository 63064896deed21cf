// What both attention kernels (attention.wgsl, attention_row.wgsl) share: the parameters, the mask and probability
// bindings, and which keys a query sees. attention.ts prepends it to either kernel.

// Also write the probabilities (B, H, Tq, Tk) for the attention views.
override WRITE_PROBS: bool = false;

const MASKED = -3.0e38; // score of a key the query may not see
const VISIBLE = -1.0e38; // anything above is a real score

struct Params {
  Tq: u32,
  Tk: u32,
  H: u32,
  D: u32,
  q_stride: u32,
  kv_stride: u32,
  q_col: u32,
  k_col: u32,
  v_col: u32,
  kv_rows_per_batch: u32,
  q_offset: u32,
  causal: u32,
  has_key_mask: u32,
  scale: f32,
  kv_group: u32, // query heads per kv head, H / Hkv (grouped-query attention; 1 otherwise)
}

@group(0) @binding(3) var<storage, read> key_mask: array<u32>; // (B, Tk)
@group(0) @binding(5) var<storage, read_write> probs: array<f32>; // (B, H, Tq, Tk)
@group(0) @binding(6) var<uniform> params: Params;

/** Keys 0..visible_keys(i) - 1 are before the causal cut: query i sits at absolute position q_offset + i. */
fn visible_keys(i: u32) -> u32 {
  if (params.causal != 0u) {
    return min(params.Tk, params.q_offset + i + 1u);
  }
  return params.Tk;
}

/** The kv head query head h reads. */
fn kv_head(h: u32) -> u32 {
  return h / params.kv_group;
}

/** Key j of batch b is not padding. */
fn key_unmasked(b: u32, j: u32) -> bool {
  return params.has_key_mask == 0u || key_mask[b * params.Tk + j] != 0u;
}
