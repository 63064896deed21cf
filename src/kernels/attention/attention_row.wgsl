// softmax(q·kᵀ/√D + masks)·v with one 64-invocation workgroup per (query i, head h, batch b): scores for up to
// MAX_KEYS keys live in shared memory, then a stable softmax, then the weighted sum of values. Used where a few
// queries see many keys (decoding after a long prompt); attention.wgsl (one invocation per query) everywhere else.

// Also write the probabilities (B, H, Tq, Tk) for the attention views.
override WRITE_PROBS: bool = false;

const WORKGROUP_SIZE = 64u; // workgroup_max / workgroup_sum come from kernels/reduce.wgsl
const MAX_KEYS = 1024u;
const MAX_HEAD_SIZE = 256u;
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
}

@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(3) var<storage, read> key_mask: array<u32>; // (B, Tk)
@group(0) @binding(4) var<storage, read_write> out: array<f32>; // (B, Tq, H·D)
@group(0) @binding(5) var<storage, read_write> probs: array<f32>; // (B, H, Tq, Tk)
@group(0) @binding(6) var<uniform> params: Params;

var<workgroup> scores: array<f32, MAX_KEYS>;
var<workgroup> query: array<f32, MAX_HEAD_SIZE>;
@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lane: u32) {
  let i = group.x;
  let h = group.y;
  let b = group.z;
  let D = params.D;
  let Tk = params.Tk;
  let q_base = (b * params.Tq + i) * params.q_stride + params.q_col + h * D;
  for (var d = lane; d < D; d += WORKGROUP_SIZE) {
    query[d] = q[q_base + d];
  }
  workgroupBarrier();

  // Causal: query i sits at absolute position q_offset + i and sees keys 0..q_offset + i.
  var visible_keys = Tk;
  if (params.causal != 0u) {
    visible_keys = min(Tk, params.q_offset + i + 1u);
  }
  let kv_row0 = b * params.kv_rows_per_batch;

  var local_max = MASKED;
  for (var j = lane; j < Tk; j += WORKGROUP_SIZE) {
    var score = MASKED;
    if (j < visible_keys && (params.has_key_mask == 0u || key_mask[b * Tk + j] != 0u)) {
      let k_base = (kv_row0 + j) * params.kv_stride + params.k_col + h * D;
      var dot = 0.0;
      for (var d = 0u; d < D; d++) {
        dot += query[d] * k[k_base + d];
      }
      score = dot * params.scale;
      local_max = max(local_max, score);
    }
    scores[j] = score;
  }
  let row_max = workgroup_max(local_max, lane);

  var local_sum = 0.0;
  for (var j = lane; j < Tk; j += WORKGROUP_SIZE) {
    let weight = select(0.0, exp(scores[j] - row_max), scores[j] > VISIBLE);
    scores[j] = weight;
    local_sum += weight;
  }
  let total = workgroup_sum(local_sum, lane);
  let inverse_total = select(0.0, 1.0 / total, total > 0.0); // a query that sees no key gets zeros
  let probs_base = ((b * params.H + h) * params.Tq + i) * Tk;
  for (var j = lane; j < Tk; j += WORKGROUP_SIZE) {
    let p = scores[j] * inverse_total;
    scores[j] = p;
    if (WRITE_PROBS) {
      probs[probs_base + j] = p;
    }
  }
  workgroupBarrier();

  let out_base = (b * params.Tq + i) * params.H * D + h * D;
  for (var d = lane; d < D; d += WORKGROUP_SIZE) {
    var value = 0.0;
    for (var j = 0u; j < visible_keys; j++) {
      value += scores[j] * v[(kv_row0 + j) * params.kv_stride + params.v_col + h * D + d];
    }
    out[out_base + d] = value;
  }
}
