// out[i] = value: zeroes gradients before a step. fill.ts prepends `alias item = f32;` or, for a multiple of 4
// elements, `alias item = vec4<f32>;`.
struct Params {
  n: u32, // values (elements, or quads of them)
  value: f32,
}

@group(0) @binding(0) var<storage, read_write> out: array<item>; // (n)
@group(0) @binding(1) var<uniform> params: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let i = (group.x + group.y * groups.x) * 256u + lane;
  if (i < params.n) {
    out[i] = item(params.value);
  }
}
