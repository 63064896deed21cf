// DistilBERT's classifier activation (and ReLU feed-forward layers). main: out = max(x, 0). backward: grad ← 0 where
// the output is not positive (torch's threshold_backward: 0 at x = 0), in place.
struct Params {
  n: u32,
}

@group(0) @binding(0) var<storage, read> input: array<f32>; // (n) main: x; backward: relu(x)
@group(0) @binding(1) var<storage, read_write> output: array<f32>; // (n) main: relu(x); backward: the gradient
@group(0) @binding(2) var<uniform> params: Params;

fn index_of(group: vec3u, groups: vec3u, lane: u32) -> u32 {
  return (group.x + group.y * groups.x) * 256u + lane;
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let i = index_of(group, groups, lane);
  if (i < params.n) {
    output[i] = max(input[i], 0.0);
  }
}

@compute @workgroup_size(256)
fn backward(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let i = index_of(group, groups, lane);
  if (i < params.n && !(input[i] > 0.0)) {
    output[i] = 0.0;
  }
}
