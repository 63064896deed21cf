// table[ids[r]] += Σ dout rows carrying that id, deterministically and without atomics: the invocation for
// (row r, channel c) works only when r is the first row with its id, and then sums every row with that id in order.
struct Params {
  rows: u32,
  C: u32,
}

@group(0) @binding(0) var<storage, read> dout: array<f32>; // (rows, C)
@group(0) @binding(1) var<storage, read> ids: array<u32>; // (rows)
@group(0) @binding(2) var<storage, read_write> table: array<f32>; // (V, C)
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let index = (group.x + group.y * groups.x) * 256u + lane;
  if (index >= params.rows * params.C) {
    return;
  }
  let r = index / params.C;
  let c = index % params.C;
  let id = ids[r];
  for (var earlier = 0u; earlier < r; earlier++) {
    if (ids[earlier] == id) {
      return;
    }
  }
  var sum = 0.0;
  for (var row = r; row < params.rows; row++) {
    if (ids[row] == id) {
      sum += dout[row * params.C + c];
    }
  }
  table[id * params.C + c] += sum;
}
