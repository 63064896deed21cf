// Split-key attention for decoding after a long prompt (flash-decoding): a query's visible keys are cut into chunks of
// CHUNK keys, and one invocation per (chunk s, head h, query i, batch b) walks its chunk with the online softmax of
// attention.wgsl, writing the chunk's weighted values (not yet divided by its sum) and its running maximum and sum.
// attention_split_combine.wgsl then rescales the chunks to one maximum and adds them. A decode step of one query per
// head then keeps H · ⌈Tk / CHUNK⌉ invocations busy instead of H (the flash kernel) or H workgroups whose 64 lanes
// wait at barriers (the row kernel). No probabilities: the attention views use the other kernels.
//
// Bindings: `out` (binding 4) holds the partial values (B, Tq, H, S, D); `probs` (binding 5) the chunk statistics
// (B, Tq, H, S, 2): maximum, sum. The lines holding a dollar sign are repeated per vec4 of a head (attention.ts).

override CHUNK: u32 = 16u;
const WORKGROUP_SIZE = 64u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lane: u32) {
  let chunks = (params.Tk + CHUNK - 1u) / CHUNK;
  let s = group.x * WORKGROUP_SIZE + lane;
  let h = group.y;
  let b = group.z / params.Tq;
  let i = group.z % params.Tq;
  if (s >= chunks) {
    return;
  }
  let D = params.D;

  let first = s * CHUNK;
  let last = min(first + CHUNK, visible_keys(i));

  let q_base = (b * params.Tq + i) * params.q_stride + params.q_col + h * D;
  let query_$ = load_q(q_base, $u);
  var values_$ = vec4<f32>(0.0);

  let kv_row0 = b * params.kv_rows_per_batch;
  let kv_h = kv_head(h);
  var running_max = MASKED;
  var running_sum = 0.0;
  for (var j = first; j < last; j++) {
    if (!key_unmasked(b, j)) {
      continue;
    }
    let k_base = (kv_row0 + j) * params.kv_stride + params.k_col + kv_h * D;
    var product = 0.0;
    product += dot(query_$, load_k(k_base, $u));
    let score = product * params.scale;
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

  let partial = ((b * params.Tq + i) * params.H + h) * chunks + s;
  store_out(partial * D, $u, values_$);
  probs[2u * partial] = running_max;
  probs[2u * partial + 1u] = running_sum;
}
