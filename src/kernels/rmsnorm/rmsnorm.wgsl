// out = x·rstd·weight per row of x (rows, C), rstd = 1 / sqrt(mean(x²) + eps), in f32 as Hugging Face's LlamaRMSNorm.
// `main`: one 64-invocation workgroup per row (real GPUs); `rows_serial`: one invocation per row and no barriers
// (software adapters, where a barrier costs more than a short row's arithmetic). Composed after reduce.wgsl.
// SAVE_RSTD: also write each row's rstd for the backward pass (training's forward).
override SAVE_RSTD: bool = false;

struct Params {
  rows: u32,
  C: u32,
  eps: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>; // (rows, C)
@group(0) @binding(1) var<storage, read> weight: array<f32>; // (C)
@group(0) @binding(2) var<storage, read_write> out: array<f32>; // (rows, C)
@group(0) @binding(3) var<storage, read_write> rstd: array<f32>; // (rows), written with SAVE_RSTD
@group(0) @binding(4) var<uniform> params: Params;

const WORKGROUP_SIZE = 64u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let row = group.x + group.y * groups.x;
  if (row >= params.rows) {
    return;
  }
  let base = row * params.C;
  var squares = 0.0;
  for (var c = lane; c < params.C; c += WORKGROUP_SIZE) {
    squares += x[base + c] * x[base + c];
  }
  let s = inverseSqrt(workgroup_sum(squares, lane) / f32(params.C) + params.eps);
  for (var c = lane; c < params.C; c += WORKGROUP_SIZE) {
    out[base + c] = x[base + c] * s * weight[c];
  }
  if (SAVE_RSTD && lane == 0u) {
    rstd[row] = s;
  }
}

@compute @workgroup_size(64)
fn rows_serial(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let row = (group.x + group.y * groups.x) * 64u + lane;
  if (row >= params.rows) {
    return;
  }
  let base = row * params.C;
  var squares = 0.0;
  for (var c = 0u; c < params.C; c++) {
    squares += x[base + c] * x[base + c];
  }
  let s = inverseSqrt(squares / f32(params.C) + params.eps);
  for (var c = 0u; c < params.C; c++) {
    out[base + c] = x[base + c] * s * weight[c];
  }
  if (SAVE_RSTD) {
    rstd[row] = s;
  }
}
