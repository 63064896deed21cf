// Attention loads and stores one f32 at a time, for any D, stride and offset. A group of 4 values past D reads as
// zeros and is not stored. `base` is the element index of a head's first value, `c` the index of 4 values in it.

@group(0) @binding(0) var<storage, read> q: array<f32>;
@group(0) @binding(1) var<storage, read> k: array<f32>;
@group(0) @binding(2) var<storage, read> v: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>; // (B, Tq, H·D)

fn load_q(base: u32, c: u32) -> vec4<f32> {
  var value = vec4<f32>(0.0);
  for (var e = 0u; e < 4u && 4u * c + e < params.D; e++) {
    value[e] = q[base + 4u * c + e];
  }
  return value;
}

fn load_k(base: u32, c: u32) -> vec4<f32> {
  var value = vec4<f32>(0.0);
  for (var e = 0u; e < 4u && 4u * c + e < params.D; e++) {
    value[e] = k[base + 4u * c + e];
  }
  return value;
}

fn load_v(base: u32, c: u32) -> vec4<f32> {
  var value = vec4<f32>(0.0);
  for (var e = 0u; e < 4u && 4u * c + e < params.D; e++) {
    value[e] = v[base + 4u * c + e];
  }
  return value;
}

fn store_out(base: u32, c: u32, value: vec4<f32>) {
  for (var e = 0u; e < 4u && 4u * c + e < params.D; e++) {
    out[base + 4u * c + e] = value[e];
  }
}
