// softmax(q·kᵀ/√D + masks)·v with one 64-invocation workgroup per (query i, head h, batch b): scores for up to
// MAX_KEYS keys live in shared memory, then a stable softmax, then the weighted sum of values. Used where a few
// queries see many keys (decoding after a long prompt); attention.wgsl (one invocation per query) everywhere else.
// Parameters, bindings and masks: attention_common.wgsl.

const WORKGROUP_SIZE = 64u; // workgroup_max / workgroup_sum come from kernels/reduce.wgsl
const MAX_KEYS = 1024u;
const MAX_HEAD_SIZE = 256u;

@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>; // (B, Tq, H·D)

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

  let visible = visible_keys(i);
  let kv_row0 = b * params.kv_rows_per_batch;
  let kv_h = kv_head(h);

  var local_max = MASKED;
  for (var j = lane; j < Tk; j += WORKGROUP_SIZE) {
    var score = MASKED;
    if (j < visible && key_unmasked(b, j)) {
      let k_base = (kv_row0 + j) * params.kv_stride + params.k_col + kv_h * D;
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
    for (var j = 0u; j < visible; j++) {
      value += scores[j] * v[(kv_row0 + j) * params.kv_stride + params.v_col + kv_h * D + d];
    }
    out[out_base + d] = value;
  }
}
