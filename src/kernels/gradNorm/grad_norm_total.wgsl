// norm[0] = √(Σ_slots partials[slot]), summed in slot order by one invocation.
struct Params {
  slots: u32,
}

@group(0) @binding(0) var<storage, read> partials: array<f32>; // (slots)
@group(0) @binding(1) var<storage, read_write> norm: array<f32>; // (1)
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(1)
fn main() {
  var sum = 0.0;
  for (var slot = 0u; slot < params.slots; slot++) {
    sum += partials[slot];
  }
  norm[0] = sqrt(sum);
}
