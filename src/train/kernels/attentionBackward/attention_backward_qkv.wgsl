// dqkv from the score gradients: one invocation per element (b, t, part, h, d) of dqkv (B, T, 3C).
//   q part: Σ_s dscores[b, h, t, s]·k[b, s, h, d]
//   k part: Σ_s dscores[b, h, s, t]·q[b, s, h, d]
//   v part: Σ_s probs[b, h, s, t]·dout[b, s, h, d]
struct Params {
  B: u32,
  T: u32,
  H: u32,
  D: u32,
}

@group(0) @binding(0) var<storage, read> dout: array<f32>; // (B, T, C)
@group(0) @binding(1) var<storage, read> qkv: array<f32>; // (B, T, 3C)
@group(0) @binding(2) var<storage, read> probs: array<f32>; // (B, H, T, T)
@group(0) @binding(3) var<storage, read> dscores: array<f32>; // (B, H, T, T)
@group(0) @binding(4) var<storage, read_write> dqkv: array<f32>; // (B, T, 3C)
@group(0) @binding(5) var<uniform> params: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let index = (group.x + group.y * groups.x) * 256u + lane;
  let T = params.T;
  let H = params.H;
  let D = params.D;
  let C = H * D;
  if (index >= params.B * T * 3u * C) {
    return;
  }
  let column = index % (3u * C);
  let part = column / C; // 0 q, 1 k, 2 v
  let h = (column % C) / D;
  let d = column % D;
  let bt = index / (3u * C);
  let t = bt % T;
  let b = bt / T;
  let scoreBase = (b * H + h) * T * T;
  var sum = 0.0;
  for (var s = 0u; s < T; s++) {
    let sRow = (b * T + s) * 3u * C + h * D + d;
    if (part == 0u) {
      sum += dscores[scoreBase + t * T + s] * qkv[sRow + C];
    } else if (part == 1u) {
      sum += dscores[scoreBase + s * T + t] * qkv[sRow];
    } else {
      sum += probs[scoreBase + s * T + t] * dout[(b * T + s) * C + h * D + d];
    }
  }
  dqkv[index] = sum;
}
