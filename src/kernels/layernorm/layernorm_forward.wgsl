// The training forward: out = (x - mean)·rstd·gamma + beta per row, saving mean and rstd for the backward pass.
// One invocation per row (normalize_row, from src/kernels/layernorm/layernorm_common.wgsl, prepended).
@group(0) @binding(4) var<storage, read_write> mean: array<f32>; // (rows)
@group(0) @binding(5) var<storage, read_write> rstd: array<f32>; // (rows)
@group(0) @binding(6) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let r = (group.x + group.y * groups.x) * 64u + lane;
  if (r >= params.rows) {
    return;
  }
  let statistics = normalize_row(r);
  mean[r] = statistics.x;
  rstd[r] = statistics.y;
}
