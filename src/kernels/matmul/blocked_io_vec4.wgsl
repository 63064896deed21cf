// The blocked kernel's inputs as vec4 arrays: every row length it loads along, params.a_base and params.b_base are
// multiples of 4.
@group(0) @binding(0) var<storage, read> a: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> b: array<vec4<f32>>;

// Elements col .. col + 3 (col a multiple of 4) of row `row` of a (rows, cols) matrix; zeros past the last row.
fn load_a4(row: u32, rows: u32, cols: u32, col: u32) -> vec4<f32> {
  return select(vec4<f32>(), a[(params.a_base + min(row, rows - 1u) * cols + col) / 4u], row < rows);
}

fn load_b4(row: u32, rows: u32, cols: u32, col: u32) -> vec4<f32> {
  return select(vec4<f32>(), b[(params.b_base + min(row, rows - 1u) * cols + col) / 4u], row < rows);
}
