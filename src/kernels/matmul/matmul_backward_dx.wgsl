// dx[m, k] (=|+=) Σ_n dout[m, n] · W[k, n]. LAYOUT 0: W is (K, N) ('kn'); 1: W is (N, K) ('nk').
override LAYOUT: u32 = 0u;

struct Params {
  M: u32,
  N: u32,
  K: u32,
  accumulate: u32,
}

@group(0) @binding(0) var<storage, read> dout: array<f32>; // (M, N)
@group(0) @binding(1) var<storage, read> w: array<f32>;
@group(0) @binding(2) var<storage, read_write> dx: array<f32>; // (M, K)
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let i = (group.x + group.y * groups.x) * 256u + lane;
  if (i >= params.M * params.K) {
    return;
  }
  let m = i / params.K;
  let k = i % params.K;
  var sum = 0.0;
  for (var n = 0u; n < params.N; n++) {
    let weight = select(w[n * params.K + k], w[k * params.N + n], LAYOUT == 0u);
    sum += dout[m * params.N + n] * weight;
  }
  if (params.accumulate != 0u) {
    sum += dx[i];
  }
  dx[i] = sum;
}
