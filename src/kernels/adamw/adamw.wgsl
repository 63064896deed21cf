// One AdamW step for one parameter tensor, in torch.optim.AdamW's order. The gradient is scaled by the clipping
// factor min(1, maxNorm / (norm + 1e-6)), computed here from the global norm the grad_norm kernels wrote.
// adamw.ts prepends `alias item = f32;` or, for tensors of a multiple of 4 elements, `alias item = vec4<f32>;`
// (the same arithmetic per element, a quarter of the invocations).
struct Params {
  n: u32, // values (elements, or quads of them)
  clip: u32, // 0: no clipping
  maxNorm: f32,
  lr: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  weightDecay: f32,
  stepSize: f32, // lr / (1 - beta1^t)
  correction2Sqrt: f32, // sqrt(1 - beta2^t)
}

@group(0) @binding(0) var<storage, read_write> param: array<item>; // (n)
@group(0) @binding(1) var<storage, read> grad: array<item>; // (n)
@group(0) @binding(2) var<storage, read_write> m: array<item>; // (n)
@group(0) @binding(3) var<storage, read_write> v: array<item>; // (n)
@group(0) @binding(4) var<storage, read> norm: array<f32>; // (1) global gradient norm
@group(0) @binding(5) var<uniform> params: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let i = (group.x + group.y * groups.x) * 256u + lane;
  if (i >= params.n) {
    return;
  }
  var scale = 1.0;
  if (params.clip != 0u) {
    scale = min(1.0, params.maxNorm / (norm[0] + 1e-6));
  }
  let g = grad[i] * scale;
  let mi = params.beta1 * m[i] + (1.0 - params.beta1) * g;
  let vi = params.beta2 * v[i] + (1.0 - params.beta2) * g * g;
  m[i] = mi;
  v[i] = vi;
  param[i] = param[i] * (1.0 - params.lr * params.weightDecay) - params.stepSize * mi / (sqrt(vi) / params.correction2Sqrt + params.eps);
}
