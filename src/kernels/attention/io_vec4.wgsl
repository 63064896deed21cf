// Attention loads and stores as vec4: D, the strides and the column offsets are multiples of 4.
// `base` is the element index of a head's first value, `c` the index of 4 consecutive values within the head.

@group(0) @binding(0) var<storage, read> q: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> k: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read> v: array<vec4<f32>>;
@group(0) @binding(4) var<storage, read_write> out: array<vec4<f32>>; // (B, Tq, H·D)

fn load_q(base: u32, c: u32) -> vec4<f32> {
  return q[base / 4u + c];
}

fn load_k(base: u32, c: u32) -> vec4<f32> {
  return k[base / 4u + c];
}

fn load_v(base: u32, c: u32) -> vec4<f32> {
  return v[base / 4u + c];
}

fn store_out(base: u32, c: u32, value: vec4<f32>) {
  out[base / 4u + c] = value;
}
