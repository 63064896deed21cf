// Matmul inputs as vec4 arrays: every row length along the loaded direction is a multiple of 4.
@group(0) @binding(0) var<storage, read> x: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> w: array<vec4<f32>>;

// Four consecutive elements from `index` (a multiple of 4); `valid` is always 4 here.
fn load_x4(index: u32, valid: u32) -> vec4<f32> {
  return x[index / 4u];
}

fn load_x1(index: u32) -> f32 {
  return x[index / 4u][index % 4u];
}

fn load_w4(index: u32, valid: u32) -> vec4<f32> {
  return w[index / 4u];
}
