// dwpe[t, c] += Σ_b dout[b, t, c]: one invocation per (position, channel).
struct Params {
  B: u32,
  T: u32,
  C: u32,
}

@group(0) @binding(0) var<storage, read> dout: array<f32>; // (B, T, C)
@group(0) @binding(1) var<storage, read_write> dwpe: array<f32>; // (P, C)
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let index = (group.x + group.y * groups.x) * 256u + lane; // t·C + c
  if (index >= params.T * params.C) {
    return;
  }
  var sum = 0.0;
  for (var b = 0u; b < params.B; b++) {
    sum += dout[b * params.T * params.C + index];
  }
  dwpe[index] += sum;
}
