// out = (x - mean) / sqrt(var + eps) * gamma + beta, one workgroup per row, two passes (mean, then variance).
struct Params {
  rows: u32,
  C: u32,
  eps: f32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> gamma: array<f32>;
@group(0) @binding(2) var<storage, read> beta: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

// 64 invocations per row: enough for C <= 1024 on real GPUs, and fewer idle lanes and barriers on software ones.
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
