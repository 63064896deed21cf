// table[ids[r]] += Σ dout rows carrying that id, deterministically and without atomics: the invocation for row r
// works only when r is the first row with its id, and then adds every row with that id, in row order, channel by
// channel. One invocation per row: the id scan happens once per row, not once per channel.
struct Params {
  rows: u32,
  C: u32,
}

@group(0) @binding(0) var<storage, read> dout: array<f32>; // (rows, C)
@group(0) @binding(1) var<storage, read> ids: array<u32>; // (rows)
@group(0) @binding(2) var<storage, read_write> table: array<f32>; // (V, C)
@group(0) @binding(3) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let r = (group.x + group.y * groups.x) * 64u + lane;
  if (r >= params.rows) {
    return;
  }
  let C = params.C;
  let id = ids[r];
  for (var earlier = 0u; earlier < r; earlier++) {
    if (ids[earlier] == id) {
      return;
    }
  }
  // The later rows with this id: the common case (a token seen once) adds one row.
  var last = r;
  for (var row = r + 1u; row < params.rows; row++) {
    if (ids[row] == id) {
      last = row;
    }
  }
  for (var c = 0u; c < C; c++) {
    var sum = dout[r * C + c];
    for (var row = r + 1u; row <= last; row++) {
      if (ids[row] == id) {
        sum += dout[row * C + c];
      }
    }
    table[id * C + c] += sum;
  }
}
