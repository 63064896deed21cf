// out[row] = index of the first maximum of logits[row], one workgroup per row.
struct Params {
  rows: u32,
  V: u32,
}

@group(0) @binding(0) var<storage, read> logits: array<f32>; // (rows, V)
@group(0) @binding(1) var<storage, read_write> out: array<u32>; // (rows)
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let row = group.x + group.y * groups.x;
  if (row >= params.rows) {
    return;
  }
  var mine = Best(0.0, NONE);
  for (var j = lane; j < params.V; j += 256u) {
    let candidate = Best(logits[row * params.V + j], j);
    if (is_better(candidate, mine)) {
      mine = candidate;
    }
  }
  let best = workgroup_best(mine, lane);
  if (lane == 0u) {
    out[row] = best.index;
  }
}
