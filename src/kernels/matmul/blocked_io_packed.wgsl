// The blocked kernel with packed weights as b (packed_weights.wgsl, stored (Q, R) with B_T); a is f32 vec4 like
// blocked_io_vec4.
@group(0) @binding(0) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> packed: array<u32>;

fn load_a4(row: u32, rows: u32, cols: u32, col: u32) -> vec4<f32> {
  return select(vec4<f32>(), a[(params.a_base + min(row, rows - 1u) * cols + col) / 4u], row < rows);
}

fn load_b4(row: u32, rows: u32, cols: u32, col: u32) -> vec4<f32> {
  return select(vec4<f32>(), dequant4(params.b_base + min(row, rows - 1u) * cols + col, params.b_scales), row < rows);
}
