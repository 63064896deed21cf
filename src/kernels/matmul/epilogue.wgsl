// The activation applied after the bias, shared by every matmul kernel. Composed after gelu_functions.wgsl.
// 0: none, 1: GELU (erf), 2: GELU (tanh), 3: tanh, 4: ReLU (the codes of activation.ts).
override ACTIVATION: u32 = 0u;

fn activate(value: f32) -> f32 {
  if (ACTIVATION == 1u) {
    return gelu_erf(value);
  }
  if (ACTIVATION == 2u) {
    return gelu_tanh(value);
  }
  if (ACTIVATION == 3u) {
    return tanh(clamp(value, -15.0, 15.0));
  }
  if (ACTIVATION == 4u) {
    return max(value, 0.0);
  }
  return value;
}
