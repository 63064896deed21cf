// dx (=|+=) rstd·(g - mean(g) - x̂·mean(g·x̂)) per row, with x̂ = (x - mean)·rstd and g = dout·gamma.
// One invocation per row (no workgroup reductions: see layernorm_forward.wgsl).
struct Params {
  rows: u32,
  C: u32,
  accumulate: u32,
}

@group(0) @binding(0) var<storage, read> dout: array<f32>; // (rows, C)
@group(0) @binding(1) var<storage, read> x: array<f32>; // (rows, C)
@group(0) @binding(2) var<storage, read> mean: array<f32>; // (rows)
@group(0) @binding(3) var<storage, read> rstd: array<f32>; // (rows)
@group(0) @binding(4) var<storage, read> gamma: array<f32>; // (C)
@group(0) @binding(5) var<storage, read_write> dx: array<f32>; // (rows, C)
@group(0) @binding(6) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let r = (group.x + group.y * groups.x) * 64u + lane;
  if (r >= params.rows) {
    return;
  }
  let C = params.C;
  let row = r * C;
  let m = mean[r];
  let s = rstd[r];
  var sums = vec2f(0.0); // (Σ g, Σ g·x̂)
  for (var c = 0u; c < C; c++) {
    let g = dout[row + c] * gamma[c];
    sums += vec2f(g, g * (x[row + c] - m) * s);
  }
  let means = sums / f32(C);
  for (var c = 0u; c < C; c++) {
    let g = dout[row + c] * gamma[c];
    let xHat = (x[row + c] - m) * s;
    var value = s * (g - means.x - xHat * means.y);
    if (params.accumulate != 0u) {
      value += dx[row + c];
    }
    dx[row + c] = value;
  }
}
