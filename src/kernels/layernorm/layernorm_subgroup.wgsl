// out = (x - mean) / sqrt(var + eps) * gamma + beta per row of x (rows, C), one subgroup per row with subgroup sums
// (the `subgroups` feature): no shared memory, no barriers. ROWS_PER_WORKGROUP rows per workgroup, row r by subgroup
// r mod (subgroups per workgroup).
// Composed after subgroup.wgsl and layernorm_common.wgsl.
@group(0) @binding(4) var<uniform> params: Params;

const ROWS_PER_WORKGROUP = 4u;

@compute @workgroup_size(128)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) local: u32,
        @builtin(subgroup_invocation_id) lane: u32, @builtin(subgroup_size) size: u32) {
  let first = (group.x + group.y * groups.x) * ROWS_PER_WORKGROUP;
  let C = params.C;
  for (var r = subgroup_index(local, size); r < ROWS_PER_WORKGROUP; r += 128u / size) {
    let row = first + r;
    if (row >= params.rows) {
      break;
    }
    let base = row * C;
    var sum = 0.0;
    for (var c = lane; c < C; c += size) {
      sum += x[base + c];
    }
    let mean = subgroupAdd(sum) / f32(C);
    var squares = 0.0;
    for (var c = lane; c < C; c += size) {
      let centered = x[base + c] - mean;
      squares += centered * centered;
    }
    let rstd = inverseSqrt(subgroupAdd(squares) / f32(C) + params.eps);
    for (var c = lane; c < C; c += size) {
      out[base + c] = (x[base + c] - mean) * rstd * gamma[c] + beta[c];
    }
  }
}
