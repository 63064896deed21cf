// dgate = dout·up·silu'(gate), dup = dout·silu(gate), written in the inputs' layout (see swiglu.wgsl). FUSED: dgate
// and dup are one (rows, 2F) buffer, bound once as dgate (a buffer may not be bound writable twice).
// Prepended with swiglu_functions.wgsl.
override FUSED: bool = false;

@group(0) @binding(0) var<storage, read> dout: array<f32>; // (rows, F)
@group(0) @binding(1) var<storage, read> gate: array<f32>;
@group(0) @binding(2) var<storage, read> up: array<f32>;
@group(0) @binding(3) var<storage, read_write> dgate: array<f32>;
@group(0) @binding(4) var<storage, read_write> dup: array<f32>;
@group(0) @binding(5) var<uniform> params: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let i = (group.x + group.y * groups.x) * 256u + lane;
  if (i >= params.rows * params.F) {
    return;
  }
  let r = i / params.F;
  let f = i % params.F;
  let g = r * params.in_stride + params.gate_col + f;
  let u = r * params.in_stride + params.up_col + f;
  let v = gate[g];
  let d = dout[i];
  dgate[g] = d * up[u] * silu_derivative(v);
  if (FUSED) {
    dgate[u] = d * silu(v);
  } else {
    dup[u] = d * silu(v);
  }
}
