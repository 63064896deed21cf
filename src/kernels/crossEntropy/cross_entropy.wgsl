// Softmax cross-entropy per row and its gradient, written over the logits: one workgroup per row.
// A label >= V (the u32 pattern of -100) is ignored: loss 0, gradient 0.
struct Params {
  rows: u32,
  V: u32,
  scale: f32,
}

@group(0) @binding(0) var<storage, read_write> logits: array<f32>; // (rows, V) in; dlogits out
@group(0) @binding(1) var<storage, read> targets: array<u32>; // (rows)
@group(0) @binding(2) var<storage, read_write> losses: array<f32>; // (rows)
@group(0) @binding(3) var<uniform> params: Params;

// Invocations per workgroup: a row (or tensor) is reduced by one workgroup; 64 keeps idle lanes and barrier
// cost low for small rows on software GPUs and is plenty for C <= 1024 on real ones.
const LANES = 64u;

var<workgroup> partial: array<f32, LANES>;

fn workgroup_reduce(value: f32, lane: u32, is_max: bool) -> f32 {
  partial[lane] = value;
  workgroupBarrier();
  for (var stride = LANES / 2u; stride > 0u; stride >>= 1u) {
    if (lane < stride) {
      let other = partial[lane + stride];
      partial[lane] = select(partial[lane] + other, max(partial[lane], other), is_max);
    }
    workgroupBarrier();
  }
  let result = partial[0];
  workgroupBarrier();
  return result;
}

@compute @workgroup_size(LANES)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let r = group.x + group.y * groups.x;
  if (r >= params.rows) {
    return; // uniform across the workgroup
  }
  let V = params.V;
  let row = r * V;
  let label = targets[r];
  if (label >= V) {
    for (var v = lane; v < V; v += LANES) {
      logits[row + v] = 0.0;
    }
    if (lane == 0u) {
      losses[r] = 0.0;
    }
    return;
  }
  var localMax = -3.4e38;
  for (var v = lane; v < V; v += LANES) {
    localMax = max(localMax, logits[row + v]);
  }
  let rowMax = workgroup_reduce(localMax, lane, true);
  var localSum = 0.0;
  for (var v = lane; v < V; v += LANES) {
    localSum += exp(logits[row + v] - rowMax);
  }
  let sum = workgroup_reduce(localSum, lane, false);
  let labelLogit = logits[row + label];
  workgroupBarrier(); // every lane has read the label logit before it is overwritten
  if (lane == 0u) {
    losses[r] = params.scale * (log(sum) + rowMax - labelLogit);
  }
  for (var v = lane; v < V; v += LANES) {
    let p = exp(logits[row + v] - rowMax) / sum;
    logits[row + v] = params.scale * (p - select(0.0, 1.0, v == label));
  }
}
