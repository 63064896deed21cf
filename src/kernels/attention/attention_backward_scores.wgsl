// dscores[b, h, i, j] = P[i, j]·(dP[i, j] - Σ_j' P[i, j']·dP[i, j'])·scale with dP[i, j] = dout[b, i, h]·v[b, j, g],
// g = h / (H / Hkv) the kv head query head h reads. One invocation per (b, h, i) row: no workgroup reduction (barriers
// dominate on a software adapter). The queries are the first Tq rows of each sequence.
struct Params {
  B: u32,
  T: u32,
  H: u32,
  D: u32,
  scale: f32,
  Tq: u32,
  Hkv: u32,
}

@group(0) @binding(0) var<storage, read> dout: array<f32>; // (B, Tq, H·D)
@group(0) @binding(1) var<storage, read> qkv: array<f32>; // (B, T, (H + 2·Hkv)·D)
@group(0) @binding(2) var<storage, read> probs: array<f32>; // (B, H, Tq, T)
@group(0) @binding(3) var<storage, read_write> dscores: array<f32>; // (B, H, Tq, T)
@group(0) @binding(4) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let row = (group.x + group.y * groups.x) * 64u + lane; // (b·H + h)·Tq + i
  let T = params.T;
  let Tq = params.Tq;
  let H = params.H;
  let D = params.D;
  if (row >= params.B * H * Tq) {
    return;
  }
  let i = row % Tq;
  let h = (row / Tq) % H;
  let b = row / (Tq * H);
  let width = (H + 2u * params.Hkv) * D; // floats per qkv row
  let vCol = (H + params.Hkv + h / (H / params.Hkv)) * D;
  let doutBase = (b * Tq + i) * H * D + h * D;
  var dot = 0.0;
  for (var j = 0u; j < T; j++) {
    let p = probs[row * T + j];
    var dP = 0.0;
    if (p != 0.0) { // masked keys (causal or padding) have P = 0 and a zero score gradient
      let vBase = (b * T + j) * width + vCol;
      for (var d = 0u; d < D; d++) {
        dP += dout[doutBase + d] * qkv[vBase + d];
      }
    }
    dscores[row * T + j] = dP;
    dot += p * dP;
  }
  for (var j = 0u; j < T; j++) {
    dscores[row * T + j] = probs[row * T + j] * (dscores[row * T + j] - dot) * params.scale;
  }
}
