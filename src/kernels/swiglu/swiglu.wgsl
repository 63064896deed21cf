// out = silu(gate)·up elementwise, out (rows, F); gate and up read at r·in_stride + gate_col / up_col + f, so they
// may be one fused (rows, 2F) gate|up buffer bound twice. Prepended with swiglu_functions.wgsl.
@group(0) @binding(0) var<storage, read> gate: array<f32>;
@group(0) @binding(1) var<storage, read> up: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>; // (rows, F)
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let i = (group.x + group.y * groups.x) * 256u + lane;
  if (i >= params.rows * params.F) {
    return;
  }
  let r = i / params.F;
  let f = i % params.F;
  out[i] = silu(gate[r * params.in_stride + params.gate_col + f]) * up[r * params.in_stride + params.up_col + f];
}
