// dbias[n] += Σ_m dout[m, n].
struct Params {
  M: u32,
  N: u32,
}

@group(0) @binding(0) var<storage, read> dout: array<f32>; // (M, N)
@group(0) @binding(1) var<storage, read_write> dbias: array<f32>; // (N)
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let n = (group.x + group.y * groups.x) * 256u + lane;
  if (n >= params.N) {
    return;
  }
  var sum = 0.0;
  for (var m = 0u; m < params.M; m++) {
    sum += dout[m * params.N + n];
  }
  dbias[n] += sum;
}
