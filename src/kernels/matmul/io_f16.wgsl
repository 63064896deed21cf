// Matmul with f16 weights (shader-f16), f32 activations and f32 accumulation; aligned like io_vec4.
enable f16;

@group(0) @binding(0) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> w: array<vec4<f16>>;

fn load_x4(index: u32, valid: u32) -> vec4<f32> {
  return x[index / 4u];
}

fn load_x1(index: u32) -> f32 {
  return x[index / 4u][index % 4u];
}

fn load_w4(index: u32, valid: u32) -> vec4<f32> {
  return vec4<f32>(w[index / 4u]);
}
