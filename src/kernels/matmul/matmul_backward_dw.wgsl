// dW += xᵀ·dout over the M rows, in W's layout. LAYOUT 0: dW is (K, N) ('kn'); 1: dW is (N, K) ('nk').
override LAYOUT: u32 = 0u;

struct Params {
  M: u32,
  N: u32,
  K: u32,
}

@group(0) @binding(0) var<storage, read> dout: array<f32>; // (M, N)
@group(0) @binding(1) var<storage, read> x: array<f32>; // (M, K)
@group(0) @binding(2) var<storage, read_write> dw: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let i = (group.x + group.y * groups.x) * 256u + lane;
  if (i >= params.N * params.K) {
    return;
  }
  var k: u32;
  var n: u32;
  if (LAYOUT == 0u) {
    k = i / params.N;
    n = i % params.N;
  } else {
    n = i / params.K;
    k = i % params.K;
  }
  var sum = 0.0;
  for (var m = 0u; m < params.M; m++) {
    sum += x[m * params.K + k] * dout[m * params.N + n];
  }
  dw[i] += sum;
}
