// The second pass of split-key attention (attention_split.wgsl): for each (batch b, query i, head h) and element d of
// the head, the chunks' partial values rescaled to the largest chunk maximum m,
//   out = Σ_s exp(m_s − m) · values_s[d]  /  Σ_s exp(m_s − m) · sum_s,
// which is softmax(scores)·v over all the chunks' keys. A query that sees no key (every chunk empty) gets zeros.

const MASKED = -3.0e38;

struct Params {
  rows: u32, // B · Tq · H
  D: u32,
  chunks: u32,
}

@group(0) @binding(0) var<storage, read> partial_values: array<f32>; // (B, Tq, H, S, D)
@group(0) @binding(1) var<storage, read> partial_stats: array<f32>; // (B, Tq, H, S, 2): maximum, sum
@group(0) @binding(2) var<storage, read_write> out: array<f32>; // (B, Tq, H·D)
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let index = id.x + id.y * groups.x * 64u;
  if (index >= params.rows * params.D) {
    return;
  }
  let row = index / params.D; // (b · Tq + i) · H + h, the order of out's heads
  let d = index % params.D;
  let S = params.chunks;
  var m = MASKED;
  for (var s = 0u; s < S; s++) {
    m = max(m, partial_stats[2u * (row * S + s)]);
  }
  var total = 0.0;
  var value = 0.0;
  for (var s = 0u; s < S; s++) {
    let scale = exp(partial_stats[2u * (row * S + s)] - m);
    total += scale * partial_stats[2u * (row * S + s) + 1u];
    value += scale * partial_values[(row * S + s) * params.D + d];
  }
  out[index] = select(0.0, value / total, total > 0.0);
}
