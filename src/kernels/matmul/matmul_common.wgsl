// Shared by the tiled, split-K and GEMV matmuls: parameters, bounds-checked loads and the bias + activation
// epilogue. Composed after one io_*.wgsl (declares x, w or packed, load_x4, load_x1, load_w4), gelu_functions.wgsl and
// epilogue.wgsl.
override HAS_BIAS: bool = false;
// out += instead of out = (a residual connection fused into the product).
override ACCUMULATE: bool = false;

struct Params {
  M: u32,
  N: u32,
  K: u32,
  out_stride: u32, // elements between output rows
  out_offset: u32, // first output column
  w_base: u32, // element offset of w's first used row within its bound window
  bias_offset: u32,
  x_base: u32, // element offset of x's first used row
  w_scales: u32, // packed weights (io_packed.wgsl): word of the first scale
}

@group(0) @binding(2) var<storage, read> bias: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
@group(0) @binding(4) var<uniform> params: Params;

// x[m, k..k+3] (zero outside x).
fn x_quad(m: u32, k: u32) -> vec4<f32> {
  if (m >= params.M || k >= params.K) {
    return vec4<f32>(0.0);
  }
  return load_x4(params.x_base + m * params.K + k, min(4u, params.K - k));
}

fn x_at(m: u32, k: u32) -> f32 {
  return load_x1(params.x_base + m * params.K + k);
}

// Four consecutive elements of row `row` of w seen as (rows, cols) row-major, zero outside.
fn w_quad(row: u32, col: u32, rows: u32, cols: u32) -> vec4<f32> {
  if (row >= rows || col >= cols) {
    return vec4<f32>(0.0);
  }
  return load_w4(params.w_base + row * cols + col, min(4u, cols - col));
}

fn store(m: u32, n: u32, sum: f32) {
  var value = sum;
  if (HAS_BIAS) {
    value += bias[params.bias_offset + n];
  }
  let index = m * params.out_stride + params.out_offset + n;
  let result = activate(value);
  out[index] = select(result, out[index] + result, ACCUMULATE);
}
