// dgamma[c] += Σ_rows dout·x̂, dbeta[c] += Σ_rows dout: one invocation per channel, rows summed in order.
struct Params {
  rows: u32,
  C: u32,
}

@group(0) @binding(0) var<storage, read> dout: array<f32>; // (rows, C)
@group(0) @binding(1) var<storage, read> x: array<f32>; // (rows, C)
@group(0) @binding(2) var<storage, read> mean: array<f32>; // (rows)
@group(0) @binding(3) var<storage, read> rstd: array<f32>; // (rows)
@group(0) @binding(4) var<storage, read_write> dgamma: array<f32>; // (C)
@group(0) @binding(5) var<storage, read_write> dbeta: array<f32>; // (C)
@group(0) @binding(6) var<uniform> params: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let c = (group.x + group.y * groups.x) * 256u + lane;
  if (c >= params.C) {
    return;
  }
  var gammaSum = 0.0;
  var betaSum = 0.0;
  for (var r = 0u; r < params.rows; r++) {
    let d = dout[r * params.C + c];
    gammaSum += d * (x[r * params.C + c] - mean[r]) * rstd[r];
    betaSum += d;
  }
  dgamma[c] += gammaSum;
  dbeta[c] += betaSum;
}
