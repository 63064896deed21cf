// Matmul with packed weights (packed_weights.wgsl), always (N, K) with K a multiple of 4 (32 for q8 and q4); x is
// f32 vec4 like io_vec4.
@group(0) @binding(0) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> packed: array<u32>;

fn load_x4(index: u32, valid: u32) -> vec4<f32> {
  return x[index / 4u];
}

fn load_x1(index: u32) -> f32 {
  return x[index / 4u][index % 4u];
}

fn load_w4(index: u32, valid: u32) -> vec4<f32> {
  return dequant4(index, params.w_scales);
}
