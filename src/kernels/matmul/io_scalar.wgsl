// Matmul inputs as scalar arrays, for row lengths that are not multiples of 4.
@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read> w: array<f32>;

// Up to four consecutive elements from `index`; the `valid` first ones are read, the rest are zero. Branch-free: the
// four loads are clamped to the array and masked, which software adapters run far faster than a loop of `valid`.
fn load_x4(index: u32, valid: u32) -> vec4<f32> {
  let last = arrayLength(&x) - 1u;
  let quad = vec4<f32>(x[min(index, last)], x[min(index + 1u, last)], x[min(index + 2u, last)], x[min(index + 3u, last)]);
  return select(vec4<f32>(0.0), quad, vec4<u32>(0u, 1u, 2u, 3u) < vec4<u32>(valid));
}

fn load_x1(index: u32) -> f32 {
  return x[index];
}

fn load_w4(index: u32, valid: u32) -> vec4<f32> {
  let last = arrayLength(&w) - 1u;
  let quad = vec4<f32>(w[min(index, last)], w[min(index + 1u, last)], w[min(index + 2u, last)], w[min(index + 3u, last)]);
  return select(vec4<f32>(0.0), quad, vec4<u32>(0u, 1u, 2u, 3u) < vec4<u32>(valid));
}
