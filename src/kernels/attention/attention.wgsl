// softmax(q·kᵀ/√D + masks)·v, flash-attention style with one invocation per (query i, head h, batch b): the
// invocation walks the query's visible keys once, keeping a running maximum, a running sum of exp(score - maximum)
// and the weighted sum of values (online softmax), so no score is stored and no invocation waits for another (no
// barrier, no workgroup memory). The 64 invocations of a workgroup are 64 consecutive queries of one head, which read
// the same key and value rows, so those come from cache. attention_row.wgsl serves a few queries over many keys.
//
// The query and the weighted values live in ⌈D / 4⌉ vec4 variables each: attention.ts repeats every line holding a
// dollar sign once per vec4 c = 0, 1, ... with the sign replaced by c (private arrays indexed in loops are slow on
// some compilers, SwiftShader's above all), and prepends the loads (io_vec4.wgsl or io_scalar.wgsl).

// With probabilities requested (WRITE_PROBS), the raw scores are written first and, once the row's maximum and sum are
// known, the probabilities over them. Parameters, bindings and masks: attention_common.wgsl.

const WORKGROUP_SIZE = 64u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lane: u32) {
  let i = group.x * WORKGROUP_SIZE + lane;
  let h = group.y;
  let b = group.z;
  if (i >= params.Tq) {
    return;
  }
  let D = params.D;
  let Tk = params.Tk;

  let visible = visible_keys(i);

  let q_base = (b * params.Tq + i) * params.q_stride + params.q_col + h * D;
  let query_$ = load_q(q_base, $u);
  var values_$ = vec4<f32>(0.0);

  let kv_row0 = b * params.kv_rows_per_batch;
  let kv_h = kv_head(h);
  let probs_base = ((b * params.H + h) * params.Tq + i) * Tk;
  var running_max = MASKED;
  var running_sum = 0.0;
  for (var j = 0u; j < visible; j++) {
    if (!key_unmasked(b, j)) {
      if (WRITE_PROBS) {
        probs[probs_base + j] = MASKED;
      }
      continue;
    }
    let k_base = (kv_row0 + j) * params.kv_stride + params.k_col + kv_h * D;
    var product = 0.0;
    product += dot(query_$, load_k(k_base, $u));
    let score = product * params.scale;
    if (WRITE_PROBS) {
      probs[probs_base + j] = score;
    }
    if (score > running_max) {
      let correction = exp(running_max - score);
      running_sum *= correction;
      values_$ *= correction;
      running_max = score;
    }
    let weight = exp(score - running_max);
    running_sum += weight;
    let v_base = (kv_row0 + j) * params.kv_stride + params.v_col + kv_h * D;
    values_$ += weight * load_v(v_base, $u);
  }

  let inverse_sum = select(0.0, 1.0 / running_sum, running_sum > 0.0); // a query that sees no key gets zeros
  let out_base = (b * params.Tq + i) * params.H * D + h * D;
  store_out(out_base, $u, values_$ * inverse_sum);

  if (WRITE_PROBS) {
    for (var j = 0u; j < Tk; j++) {
      var p = 0.0;
      if (j < visible) {
        let score = probs[probs_base + j];
        p = select(0.0, exp(score - running_max) * inverse_sum, score > VISIBLE);
      }
      probs[probs_base + j] = p;
    }
  }
}
