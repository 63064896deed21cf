// grad ← grad · gelu'(x) in place. FORM 0: erf, 1: tanh. Prepended with kernels/gelu's gelu_functions.wgsl.
override FORM: u32 = 0u;

struct Params {
  n: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>; // (n) pre-activation
@group(0) @binding(1) var<storage, read_write> grad: array<f32>; // (n)
@group(0) @binding(2) var<uniform> params: Params;

fn gelu_erf_derivative(v: f32) -> f32 {
  return 0.5 * (1.0 + erf_approx(v * 0.7071067811865476)) + v * exp(-0.5 * v * v) * 0.3989422804014327;
}

fn gelu_tanh_derivative(v: f32) -> f32 {
  let k = 0.7978845608028654;
  let t = tanh(clamp(k * (v + 0.044715 * v * v * v), -10.0, 10.0));
  return 0.5 * (1.0 + t) + 0.5 * v * (1.0 - t * t) * k * (1.0 + 0.134145 * v * v);
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let i = (group.x + group.y * groups.x) * 256u + lane;
  if (i >= params.n) {
    return;
  }
  if (FORM == 0u) {
    grad[i] *= gelu_erf_derivative(x[i]);
  } else {
    grad[i] *= gelu_tanh_derivative(x[i]);
  }
}
