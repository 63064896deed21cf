// out = (x - mean) / sqrt(var + eps) * gamma + beta per row of x (rows, C). Composed after reduce.wgsl and
// layernorm_common.wgsl. `main`: one workgroup per row (real GPUs); `rows_serial`: one invocation per row.
@group(0) @binding(4) var<uniform> params: Params;

// 64 invocations per row: enough for C <= 1024 on real GPUs.
const WORKGROUP_SIZE = 64u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let row = group.x + group.y * groups.x;
  if (row >= params.rows) {
    return;
  }
  let base = row * params.C;
  var sum = 0.0;
  for (var c = lane; c < params.C; c += WORKGROUP_SIZE) {
    sum += x[base + c];
  }
  let mean = workgroup_sum(sum, lane) / f32(params.C);
  var squares = 0.0;
  for (var c = lane; c < params.C; c += WORKGROUP_SIZE) {
    let centered = x[base + c] - mean;
    squares += centered * centered;
  }
  let rstd = inverseSqrt(workgroup_sum(squares, lane) / f32(params.C) + params.eps);
  for (var c = lane; c < params.C; c += WORKGROUP_SIZE) {
    out[base + c] = (x[base + c] - mean) * rstd * gamma[c] + beta[c];
  }
}

// Software adapters (SwiftShader), where barriers cost more than the arithmetic.
@compute @workgroup_size(64)
fn rows_serial(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let r = (group.x + group.y * groups.x) * 64u + lane;
  if (r < params.rows) {
    normalize_row(r);
  }
}
