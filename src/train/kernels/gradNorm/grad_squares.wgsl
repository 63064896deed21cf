// partials[slot] = Σ grad²: one workgroup per tensor, a fixed-order tree, so the norm is deterministic.
struct SquaresParams {
  n: u32,
  slot: u32,
}

@group(0) @binding(0) var<storage, read> grad: array<f32>; // (n)
@group(0) @binding(1) var<storage, read_write> partials: array<f32>; // (slots)
@group(0) @binding(2) var<uniform> squaresParams: SquaresParams;

// Invocations per workgroup: a row (or tensor) is reduced by one workgroup; 64 keeps idle lanes and barrier
// cost low for small rows on software GPUs and is plenty for C <= 1024 on real ones.
const LANES = 64u;

var<workgroup> partial: array<f32, LANES>;

@compute @workgroup_size(LANES)
fn main(@builtin(local_invocation_index) lane: u32) {
  var sum = 0.0;
  for (var i = lane; i < squaresParams.n; i += LANES) {
    sum += grad[i] * grad[i];
  }
  partial[lane] = sum;
  workgroupBarrier();
  for (var stride = LANES / 2u; stride > 0u; stride >>= 1u) {
    if (lane < stride) {
      partial[lane] += partial[lane + stride];
    }
    workgroupBarrier();
  }
  if (lane == 0u) {
    partials[squaresParams.slot] = partial[0];
  }
}
