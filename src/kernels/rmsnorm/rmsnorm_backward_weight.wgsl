// dweight[c] += Σ_rows dout·x·rstd: one invocation per channel, rows summed in order.
struct Params {
  rows: u32,
  C: u32,
}

@group(0) @binding(0) var<storage, read> dout: array<f32>; // (rows, C)
@group(0) @binding(1) var<storage, read> x: array<f32>; // (rows, C)
@group(0) @binding(2) var<storage, read> rstd: array<f32>; // (rows)
@group(0) @binding(3) var<storage, read_write> dweight: array<f32>; // (C)
@group(0) @binding(4) var<uniform> params: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let c = (group.x + group.y * groups.x) * 256u + lane;
  if (c >= params.C) {
    return;
  }
  var sum = 0.0;
  for (var r = 0u; r < params.rows; r++) {
    sum += dout[r * params.C + c] * x[r * params.C + c] * rstd[r];
  }
  dweight[c] += sum;
}
