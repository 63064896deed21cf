// The blocked kernel's inputs as scalar arrays, for row lengths (or params.a_base, params.b_base) that are not
// multiples of 4.
@group(0) @binding(0) var<storage, read> a: array<f32>;
@group(0) @binding(1) var<storage, read> b: array<f32>;

// Elements col .. col + 3 of row `row` of a (rows, cols) matrix; zeros past the last row or column.
fn load_a4(row: u32, rows: u32, cols: u32, col: u32) -> vec4<f32> {
  let base = params.a_base + min(row, rows - 1u) * cols;
  let last = cols - 1u;
  let quad = vec4<f32>(a[base + min(col, last)], a[base + min(col + 1u, last)], a[base + min(col + 2u, last)], a[base + min(col + 3u, last)]);
  return select(vec4<f32>(), quad, in_bounds(row, rows, cols, col));
}

fn load_b4(row: u32, rows: u32, cols: u32, col: u32) -> vec4<f32> {
  let base = params.b_base + min(row, rows - 1u) * cols;
  let last = cols - 1u;
  let quad = vec4<f32>(b[base + min(col, last)], b[base + min(col + 1u, last)], b[base + min(col + 2u, last)], b[base + min(col + 3u, last)]);
  return select(vec4<f32>(), quad, in_bounds(row, rows, cols, col));
}

fn in_bounds(row: u32, rows: u32, cols: u32, col: u32) -> vec4<bool> {
  return (vec4<u32>(col) + vec4<u32>(0u, 1u, 2u, 3u) < vec4<u32>(cols)) & vec4<bool>(row < rows);
}
