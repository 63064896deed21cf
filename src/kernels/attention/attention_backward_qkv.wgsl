// dqkv from the score gradients, four consecutive d per invocation: (b, t, head column c, d0 .. d0 + 3) of dqkv
// (B, T, (H + 2·Hkv)·D), whose columns hold H query heads, then Hkv key heads, then Hkv value heads. Query head h
// reads kv head h / group (group = H / Hkv), so a kv head's gradients sum over the group's query heads. The queries are
// the first Tq rows of each sequence (i < Tq):
//   q head h:  Σ_s dscores[b, h, t, s]·k[b, s, h / group, d] (zero for t ≥ Tq)
//   k head g:  Σ_{h in g's group} Σ_i dscores[b, h, i, t]·q[b, i, h, d]
//   v head g:  Σ_{h in g's group} Σ_i probs[b, h, i, t]·dout[b, i, h, d]
struct Params {
  B: u32,
  T: u32,
  H: u32,
  D: u32,
  Tq: u32,
  Hkv: u32,
}

@group(0) @binding(0) var<storage, read> dout: array<f32>; // (B, Tq, H·D)
@group(0) @binding(1) var<storage, read> qkv: array<f32>; // (B, T, (H + 2·Hkv)·D)
@group(0) @binding(2) var<storage, read> probs: array<f32>; // (B, H, Tq, T)
@group(0) @binding(3) var<storage, read> dscores: array<f32>; // (B, H, Tq, T)
@group(0) @binding(4) var<storage, read_write> dqkv: array<f32>; // (B, T, (H + 2·Hkv)·D)
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
  let Hkv = params.Hkv;
  let D = params.D;
  let heads = H + 2u * Hkv; // head columns per row
  let width = heads * D;
  let kvGroup = H / Hkv;
  let quads = (D + 3u) / 4u;
  if (index >= params.B * T * heads * quads) {
    return;
  }
  let d0 = (index % quads) * 4u;
  let c = (index / quads) % heads;
  let bt = index / (quads * heads);
  let t = bt % T;
  let b = bt / T;
  let last = D - 1u - d0; // the head's last d, relative to d0
  var sum = vec4<f32>();
  if (c < H) {
    if (t < Tq) {
      let scoreBase = (b * H + c) * Tq * T;
      let kCol = (H + c / kvGroup) * D + d0;
      for (var s = 0u; s < T; s++) {
        let k = (b * T + s) * width + kCol;
        sum += dscores[scoreBase + t * T + s] * qkv4(k, k + last);
      }
    }
  } else if (c < H + Hkv) {
    let g = c - H;
    for (var h = g * kvGroup; h < (g + 1u) * kvGroup; h++) {
      let scoreBase = (b * H + h) * Tq * T;
      for (var i = 0u; i < Tq; i++) {
        let q = (b * T + i) * width + h * D + d0;
        sum += dscores[scoreBase + i * T + t] * qkv4(q, q + last);
      }
    }
  } else {
    let g = c - H - Hkv;
    for (var h = g * kvGroup; h < (g + 1u) * kvGroup; h++) {
      let scoreBase = (b * H + h) * Tq * T;
      for (var i = 0u; i < Tq; i++) {
        let y = (b * Tq + i) * H * D + h * D + d0;
        sum += probs[scoreBase + i * T + t] * dout4(y, y + last);
      }
    }
  }
  let out = bt * width + c * D + d0;
  for (var e = 0u; e < 4u; e++) {
    if (d0 + e < D) {
      dqkv[out + e] = sum[e];
    }
  }
}
