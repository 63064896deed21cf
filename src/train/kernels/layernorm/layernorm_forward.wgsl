// out = (x - mean)·rstd·gamma + beta per row, saving mean and rstd for the backward pass.
// One workgroup per row: two reductions (mean, then the biased variance around it).
struct Params {
  rows: u32,
  C: u32,
  eps: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>; // (rows, C)
@group(0) @binding(1) var<storage, read> gamma: array<f32>; // (C)
@group(0) @binding(2) var<storage, read> beta: array<f32>; // (C)
@group(0) @binding(3) var<storage, read_write> out: array<f32>; // (rows, C)
@group(0) @binding(4) var<storage, read_write> mean: array<f32>; // (rows)
@group(0) @binding(5) var<storage, read_write> rstd: array<f32>; // (rows)
@group(0) @binding(6) var<uniform> params: Params;

// Invocations per workgroup: a row is reduced by one workgroup; 64 keeps idle lanes and barrier cost low for small
// rows on software GPUs and is plenty for C <= 1024 on real ones.
const WORKGROUP_SIZE = 64u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let r = group.x + group.y * groups.x;
  if (r >= params.rows) {
    return; // uniform across the workgroup
  }
  let C = params.C;
  let row = r * C;
  var sum = 0.0;
  for (var c = lane; c < C; c += WORKGROUP_SIZE) {
    sum += x[row + c];
  }
  let m = workgroup_sum(sum, lane) / f32(C);
  var squares = 0.0;
  for (var c = lane; c < C; c += WORKGROUP_SIZE) {
    let centered = x[row + c] - m;
    squares += centered * centered;
  }
  let s = inverseSqrt(workgroup_sum(squares, lane) / f32(C) + params.eps);
  for (var c = lane; c < C; c += WORKGROUP_SIZE) {
    out[row + c] = (x[row + c] - m) * s * gamma[c] + beta[c];
  }
  if (lane == 0u) {
    mean[r] = m;
    rstd[r] = s;
  }
}
