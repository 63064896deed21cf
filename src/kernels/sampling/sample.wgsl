// Samples one token id from logits[row] with temperature, top-k and top-p, given a uniform random number.
// One workgroup. Thresholds are found by bisection over order-preserving u32 keys of the scaled logits, so no
// sort is needed: the top-k threshold is the largest key t with count(key >= t) >= k, the nucleus threshold the
// largest t with mass(key >= t) >= top_p · total. The pick walks the kept weights in id order (chunked per lane).
struct Params {
  V: u32,
  row: u32,
  top_k: u32, // 0 or >= V: off
  temperature: f32,
  top_p: f32, // >= 1: off
  uniform_random: f32,
}

@group(0) @binding(0) var<storage, read> logits: array<f32>; // (rows, V)
@group(0) @binding(1) var<storage, read_write> out: array<u32>; // (rows)
@group(0) @binding(2) var<uniform> params: Params;

var<workgroup> chunk_sums: array<f32, 256>;
var<workgroup> chosen: atomic<u32>;

// Monotonic map from f32 to u32: a < b exactly when key(a) < key(b).
fn key_of(value: f32) -> u32 {
  let bits = bitcast<u32>(value);
  return select(bits | 0x80000000u, ~bits, (bits & 0x80000000u) != 0u);
}

fn scaled(j: u32) -> f32 {
  return logits[params.row * params.V + j] / params.temperature;
}

// Number of tokens (as f32, exact below 2^24) and their weight exp(z - row_max), over keys >= threshold.
fn count_at_least(threshold: u32, lane: u32) -> f32 {
  var count = 0.0;
  for (var j = lane; j < params.V; j += 256u) {
    count += select(0.0, 1.0, key_of(scaled(j)) >= threshold);
  }
  return workgroup_sum(count, lane);
}

fn mass_at_least(threshold: u32, row_max: f32, lane: u32) -> f32 {
  var mass = 0.0;
  for (var j = lane; j < params.V; j += 256u) {
    let z = scaled(j);
    mass += select(0.0, exp(z - row_max), key_of(z) >= threshold);
  }
  return workgroup_sum(mass, lane);
}

// Middle of [low, high], rounded up, without overflow.
fn upper_middle(low: u32, high: u32) -> u32 {
  return low + (high - low) / 2u + ((high - low) & 1u);
}

const WORKGROUP_SIZE = 256u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(local_invocation_index) lane: u32) {
  var largest = -3.402823e38;
  for (var j = lane; j < params.V; j += 256u) {
    largest = max(largest, scaled(j));
  }
  let row_max = workgroup_max(largest, lane);

  var kth_key = 0u;
  if (params.top_k > 0u && params.top_k < params.V) {
    var high = 0xffffffffu;
    for (var step = 0u; step < 32u; step++) {
      let middle = upper_middle(kth_key, high);
      if (count_at_least(middle, lane) >= f32(params.top_k)) {
        kth_key = middle;
      } else {
        high = middle - 1u;
      }
    }
  }

  var nucleus_key = kth_key;
  if (params.top_p < 1.0) {
    let needed = params.top_p * mass_at_least(kth_key, row_max, lane);
    var high = 0xffffffffu;
    for (var step = 0u; step < 32u; step++) {
      let middle = upper_middle(nucleus_key, high);
      if (mass_at_least(middle, row_max, lane) >= needed) {
        nucleus_key = middle;
      } else {
        high = middle - 1u;
      }
    }
  }

  // Each lane owns a contiguous chunk of ids; a lane's prefix is the kept weight of all chunks before it.
  let chunk = (params.V + 255u) / 256u;
  let begin = min(params.V, lane * chunk);
  let end = min(params.V, begin + chunk);
  var chunk_sum = 0.0;
  var last_kept = 0.0;
  for (var j = begin; j < end; j++) {
    let z = scaled(j);
    if (key_of(z) >= nucleus_key) {
      chunk_sum += exp(z - row_max);
      last_kept = f32(j);
    }
  }
  chunk_sums[lane] = chunk_sum;
  if (lane == 0u) {
    atomicStore(&chosen, NONE);
  }
  let fallback = u32(workgroup_max(last_kept, lane)); // when rounding leaves the goal past the end
  var prefix = 0.0;
  for (var l = 0u; l < lane; l++) {
    prefix += chunk_sums[l];
  }
  let kept_total = workgroup_sum(chunk_sum, lane);
  let goal = params.uniform_random * kept_total;
  if (prefix <= goal) {
    var running = prefix;
    for (var j = begin; j < end; j++) {
      let z = scaled(j);
      if (key_of(z) >= nucleus_key) {
        running += exp(z - row_max);
        if (running > goal) {
          atomicMin(&chosen, j);
          break;
        }
      }
    }
  }
  workgroupBarrier();
  if (lane == 0u) {
    let pick = atomicLoad(&chosen);
    out[params.row] = select(pick, fallback, pick == NONE);
  }
}
