// BERT's pooler input. main: out[b] = x[b, 0]. backward: dx[b, t] = t == 0 ? dout[b] : 0.
struct Params {
  B: u32,
  T: u32,
  C: u32,
}

@group(0) @binding(0) var<storage, read> input: array<f32>; // main: x (B, T, C); backward: dout (B, C)
@group(0) @binding(1) var<storage, read_write> output: array<f32>; // main: out (B, C); backward: dx (B, T, C)
@group(0) @binding(2) var<uniform> params: Params;

fn index_of(group: vec3u, groups: vec3u, lane: u32) -> u32 {
  return (group.x + group.y * groups.x) * 256u + lane;
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let i = index_of(group, groups, lane); // b·C + c
  if (i < params.B * params.C) {
    let b = i / params.C;
    output[i] = input[b * params.T * params.C + i % params.C];
  }
}

@compute @workgroup_size(256)
fn backward(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let i = index_of(group, groups, lane); // (b·T + t)·C + c
  if (i < params.B * params.T * params.C) {
    let c = i % params.C;
    let t = (i / params.C) % params.T;
    let b = i / (params.T * params.C);
    output[i] = select(0.0, input[b * params.C + c], t == 0u);
  }
}
