// dqkv from the score gradients, four consecutive d per invocation: (b, t, part, h, d0 .. d0 + 3) of dqkv (B, T, 3C).
// The queries are the first Tq rows of each sequence (i < Tq):
//   q part: Σ_s dscores[b, h, t, s]·k[b, s, h, d] (zero for t ≥ Tq)
//   k part: Σ_i dscores[b, h, i, t]·q[b, i, h, d]
//   v part: Σ_i probs[b, h, i, t]·dout[b, i, h, d]
struct Params {
  B: u32,
  T: u32,
  H: u32,
  D: u32,
  Tq: u32,
}

@group(0) @binding(0) var<storage, read> dout: array<f32>; // (B, Tq, C)
@group(0) @binding(1) var<storage, read> qkv: array<f32>; // (B, T, 3C)
@group(0) @binding(2) var<storage, read> probs: array<f32>; // (B, H, Tq, T)
@group(0) @binding(3) var<storage, read> dscores: array<f32>; // (B, H, Tq, T)
@group(0) @binding(4) var<storage, read_write> dqkv: array<f32>; // (B, T, 3C)
@group(0) @binding(5) var<uniform> params: Params;

// Elements index + 0..3 of qkv or dout, the ones at or past `end` (the head's last d) read as index's.
fn qkv4(index: u32, end: u32) -> vec4<f32> {
  return vec4<f32>(qkv[index], qkv[min(index + 1u, end)], qkv[min(index + 2u, end)], qkv[min(index + 3u, end)]);
}

fn dout4(index: u32, end: u32) -> vec4<f32> {
  return vec4<f32>(dout[index], dout[min(index + 1u, end)], dout[min(index + 2u, end)], dout[min(index + 3u, end)]);
}

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let index = (group.x + group.y * groups.x) * 64u + lane;
  let T = params.T;
  let Tq = params.Tq;
  let H = params.H;
  let D = params.D;
  let C = H * D;
  let quads = (D + 3u) / 4u;
  if (index >= params.B * T * 3u * H * quads) {
    return;
  }
  let d0 = (index % quads) * 4u;
  let h = (index / quads) % H;
  let part = (index / (quads * H)) % 3u; // 0 q, 1 k, 2 v
  let bt = index / (quads * H * 3u);
  let t = bt % T;
  let b = bt / T;
  let scoreBase = (b * H + h) * Tq * T;
  let offset = h * D + d0; // within a C-wide row
  let last = h * D + D - 1u - offset; // the head's last d, relative to d0
  var sum = vec4<f32>();
  if (part == 0u) {
    if (t < Tq) {
      for (var s = 0u; s < T; s++) {
        let k = (b * T + s) * 3u * C + C + offset;
        sum += dscores[scoreBase + t * T + s] * qkv4(k, k + last);
      }
    }
  } else if (part == 1u) {
    for (var i = 0u; i < Tq; i++) {
      let q = (b * T + i) * 3u * C + offset;
      sum += dscores[scoreBase + i * T + t] * qkv4(q, q + last);
    }
  } else {
    for (var i = 0u; i < Tq; i++) {
      let g = (b * Tq + i) * C + offset;
      sum += probs[scoreBase + i * T + t] * dout4(g, g + last);
    }
  }
  let out = bt * 3u * C + part * C + offset;
  for (var i = 0u; i < 4u; i++) {
    if (d0 + i < D) {
      dqkv[out + i] = sum[i];
    }
  }
}
