// out[i] = value: zeroes gradients before a step.
struct Params {
  n: u32,
  value: f32,
}

@group(0) @binding(0) var<storage, read_write> out: array<f32>; // (n)
@group(0) @binding(1) var<uniform> params: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let i = (group.x + group.y * groups.x) * 256u + lane;
  if (i < params.n) {
    out[i] = params.value;
  }
}
