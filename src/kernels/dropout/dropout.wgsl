// out = x / (1 - p) where hash(i ^ hash(seed)) >= threshold (= p·2³²), else 0. Deterministic in (seed, i).
struct Params {
  n: u32,
  threshold: u32,
  key: u32, // hash(seed), computed on the host
  scale: f32, // 1 / (1 - p)
}

@group(0) @binding(0) var<storage, read> x: array<f32>; // (n)
@group(0) @binding(1) var<storage, read_write> out: array<f32>; // (n)
@group(0) @binding(2) var<uniform> params: Params;

fn hash32(value: u32) -> u32 {
  var h = value;
  h ^= h >> 16u;
  h *= 0x7feb352du;
  h ^= h >> 15u;
  h *= 0x846ca68bu;
  h ^= h >> 16u;
  return h;
}

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let i = (group.x + group.y * groups.x) * 256u + lane;
  if (i >= params.n) {
    return;
  }
  out[i] = select(0.0, x[i] * params.scale, hash32(i ^ params.key) >= params.threshold);
}
