// Matmul inputs as scalar arrays, for row lengths that are not multiples of 4.
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;

// Up to four consecutive elements from `index`; the `valid` first ones are read, the rest are zero.
fn load_x4(index: u32, valid: u32) -> vec4<f32> {
  var quad = vec4<f32>(0.0);
  for (var i = 0u; i < valid; i++) {
    quad[i] = x[index + i];
  }
  return quad;
}

fn load_x1(index: u32) -> f32 {
  return x[index];
}

fn load_w4(index: u32, valid: u32) -> vec4<f32> {
  var quad = vec4<f32>(0.0);
  for (var i = 0u; i < valid; i++) {
    quad[i] = w[index + i];
  }
  return quad;
}
