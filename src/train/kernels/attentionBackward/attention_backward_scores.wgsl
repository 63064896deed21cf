// dscores[b, h, i, j] = P[i, j]·(dP[i, j] - Σ_j' P[i, j']·dP[i, j'])·scale with dP[i, j] = dout[b, i, h]·v[b, j, h].
// One workgroup per (b, h, i) row.
struct Params {
  B: u32,
  T: u32,
  H: u32,
  D: u32,
  scale: f32,
}

@group(0) @binding(0) var<storage, read> dout: array<f32>; // (B, T, C)
@group(0) @binding(1) var<storage, read> qkv: array<f32>; // (B, T, 3C)
@group(0) @binding(2) var<storage, read> probs: array<f32>; // (B, H, T, T)
@group(0) @binding(3) var<storage, read_write> dscores: array<f32>; // (B, H, T, T)
@group(0) @binding(4) var<uniform> params: Params;

// Invocations per workgroup: a row (or tensor) is reduced by one workgroup; 64 keeps idle lanes and barrier
// cost low for small rows on software GPUs and is plenty for C <= 1024 on real ones.
const LANES = 64u;

var<workgroup> partial: array<f32, LANES>;

@compute @workgroup_size(LANES)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let row = group.x + group.y * groups.x; // (b·H + h)·T + i
  let T = params.T;
  let H = params.H;
  let D = params.D;
  if (row >= params.B * H * T) {
    return; // uniform across the workgroup
  }
  let i = row % T;
  let h = (row / T) % H;
  let b = row / (T * H);
  let C = H * D;
  let doutBase = (b * T + i) * C + h * D;
  var dot = 0.0;
  for (var j = lane; j < T; j += LANES) {
    let vBase = (b * T + j) * 3u * C + 2u * C + h * D;
    var dP = 0.0;
    for (var d = 0u; d < D; d++) {
      dP += dout[doutBase + d] * qkv[vBase + d];
    }
    dscores[row * T + j] = dP;
    dot += probs[row * T + j] * dP;
  }
  partial[lane] = dot;
  workgroupBarrier();
  for (var stride = LANES / 2u; stride > 0u; stride >>= 1u) {
    if (lane < stride) {
      partial[lane] += partial[lane + stride];
    }
    workgroupBarrier();
  }
  let total = partial[0];
  for (var j = lane; j < T; j += LANES) {
    dscores[row * T + j] = probs[row * T + j] * (dscores[row * T + j] - total) * params.scale;
  }
}
