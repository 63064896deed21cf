// The split-K matmul's second pass: out[m, out_offset + n] (+)= act(Σ_s partial[s, m, n] + bias[n]), one invocation per
// output. Composed after gelu_functions.wgsl and epilogue.wgsl.
override HAS_BIAS: bool = false;
override ACCUMULATE: bool = false;

struct Params {
  M: u32,
  N: u32,
  slices: u32,
  out_stride: u32,
  out_offset: u32,
  bias_offset: u32,
}

@group(0) @binding(0) var<storage, read> partial: array<f32>; // (slices, M, N)
@group(0) @binding(1) var<storage, read> bias: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let index = (group.x + group.y * groups.x) * 256u + lane;
  let outputs = params.M * params.N;
  if (index >= outputs) {
    return;
  }
  var sum = 0.0;
  for (var s = 0u; s < params.slices; s++) {
    sum += partial[s * outputs + index];
  }
  let m = index / params.N;
  let n = index % params.N;
  if (HAS_BIAS) {
    sum += bias[params.bias_offset + n];
  }
  let o = m * params.out_stride + params.out_offset + n;
  out[o] = select(activate(sum), out[o] + activate(sum), ACCUMULATE);
}
