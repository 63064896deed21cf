// dx (=|+=) rstd·(g - x̂·mean(g·x̂)) per row, with x̂ = x·rstd and g = dout·weight. One invocation per row, no
// workgroup reductions (as layernorm_backward_dx.wgsl).
struct Params {
  rows: u32,
  C: u32,
  accumulate: u32,
}

@group(0) @binding(0) var<storage, read> dout: array<f32>; // (rows, C)
@group(0) @binding(1) var<storage, read> x: array<f32>; // (rows, C)
@group(0) @binding(2) var<storage, read> rstd: array<f32>; // (rows)
@group(0) @binding(3) var<storage, read> weight: array<f32>; // (C)
@group(0) @binding(4) var<storage, read_write> dx: array<f32>; // (rows, C)
@group(0) @binding(5) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let r = (group.x + group.y * groups.x) * 64u + lane;
  if (r >= params.rows) {
    return;
  }
  let C = params.C;
  let row = r * C;
  let s = rstd[r];
  var gx = 0.0; // Σ g·x̂
  for (var c = 0u; c < C; c++) {
    gx += dout[row + c] * weight[c] * x[row + c] * s;
  }
  let gxMean = gx / f32(C);
  for (var c = 0u; c < C; c++) {
    var value = s * (dout[row + c] * weight[c] - x[row + c] * s * gxMean);
    if (params.accumulate != 0u) {
      value += dx[row + c];
    }
    dx[row + c] = value;
  }
}
