// The k most probable tokens of softmax(logits[row]) in order: one workgroup, one pass for the softmax
// normalizer, then k argmax passes, each over the tokens ranked after the previous pick.
struct Params {
  V: u32,
  row: u32,
  k: u32,
}

@group(0) @binding(0) var<storage, read> logits: array<f32>; // (rows, V)
@group(0) @binding(1) var<storage, read_write> probs: array<f32>; // (k)
@group(0) @binding(2) var<storage, read_write> ids: array<u32>; // (k)
@group(0) @binding(3) var<uniform> params: Params;

// Ranked after `previous`: smaller value, or the same value with a larger index.
fn ranked_after(candidate: Best, previous: Best) -> bool {
  return previous.index == NONE || candidate.value < previous.value || (candidate.value == previous.value && candidate.index > previous.index);
}

const WORKGROUP_SIZE = 256u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) lane: u32) {
  let base = params.row * params.V;
  var largest = -3.402823e38;
  for (var j = lane; j < params.V; j += 256u) {
    largest = max(largest, logits[base + j]);
  }
  let row_max = workgroup_max(largest, lane);
  var sum = 0.0;
  for (var j = lane; j < params.V; j += 256u) {
    sum += exp(logits[base + j] - row_max);
  }
  let total = workgroup_sum(sum, lane);

  var previous = Best(0.0, NONE);
  for (var rank = 0u; rank < params.k; rank++) {
    var mine = Best(0.0, NONE);
    for (var j = lane; j < params.V; j += 256u) {
      let candidate = Best(logits[base + j], j);
      if (ranked_after(candidate, previous) && is_better(candidate, mine)) {
        mine = candidate;
      }
    }
    previous = workgroup_best(mine, lane);
    if (lane == 0u) {
      probs[rank] = exp(previous.value - row_max) / total;
      ids[rank] = previous.index;
    }
  }
}
