// Shared by the LayerNorm kernels (inference and training's forward): parameters, the row bindings, and one row
// normalized by one invocation. The including kernel declares `params` at its own binding.
struct Params {
  rows: u32,
  C: u32,
  eps: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>; // (rows, C)
@group(0) @binding(1) var<storage, read> gamma: array<f32>; // (C)
@group(0) @binding(2) var<storage, read> beta: array<f32>; // (C)
@group(0) @binding(3) var<storage, read_write> out: array<f32>; // (rows, C)

// out[r] = (x[r] - mean)·rstd·gamma + beta in two passes (the mean, then the biased variance around it); returns
// (mean, rstd). No workgroup reductions: on a software adapter their barriers cost far more than these short rows.
fn normalize_row(r: u32) -> vec2<f32> {
  let C = params.C;
  let row = r * C;
  let shift = x[row]; // summing x - x[0] keeps a serial f32 sum accurate when the row sits far from zero
  var sum = 0.0;
  for (var c = 0u; c < C; c++) {
    sum += x[row + c] - shift;
  }
  let mean = shift + sum / f32(C);
  var squares = 0.0;
  for (var c = 0u; c < C; c++) {
    let centered = x[row + c] - mean;
    squares += centered * centered;
  }
  let rstd = inverseSqrt(squares / f32(C) + params.eps);
  for (var c = 0u; c < C; c++) {
    out[row + c] = (x[row + c] - mean) * rstd * gamma[c] + beta[c];
  }
  return vec2<f32>(mean, rstd);
}
