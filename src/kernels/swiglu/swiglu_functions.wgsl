// SiLU and its derivative, shared by the SwiGLU forward and backward. exp only ever sees -|v| (no overflow).
fn sigmoid(v: f32) -> f32 {
  let e = exp(-abs(v));
  return select(e / (1.0 + e), 1.0 / (1.0 + e), v >= 0.0);
}

fn silu(v: f32) -> f32 {
  return v * sigmoid(v);
}

fn silu_derivative(v: f32) -> f32 {
  let s = sigmoid(v);
  return s * (1.0 + v * (1.0 - s));
}

struct Params {
  rows: u32,
  F: u32,
  in_stride: u32,
  gate_col: u32,
  up_col: u32,
}
