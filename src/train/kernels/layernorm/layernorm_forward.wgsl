// out = (x - mean)·rstd·gamma + beta per row, saving mean and rstd for the backward pass. One invocation per row,
// two passes (the mean, then the biased variance around it): no workgroup reductions, whose barriers cost far more
// than these short rows on a software adapter.
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

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let r = (group.x + group.y * groups.x) * 64u + lane;
  if (r >= params.rows) {
    return;
  }
  let C = params.C;
  let row = r * C;
  var sum = 0.0;
  for (var c = 0u; c < C; c++) {
    sum += x[row + c];
  }
  let m = sum / f32(C);
  var squares = 0.0;
  for (var c = 0u; c < C; c++) {
    let centered = x[row + c] - m;
    squares += centered * centered;
  }
  let s = inverseSqrt(squares / f32(C) + params.eps);
  for (var c = 0u; c < C; c++) {
    out[row + c] = (x[row + c] - m) * s * gamma[c] + beta[c];
  }
  mean[r] = m;
  rstd[r] = s;
}
