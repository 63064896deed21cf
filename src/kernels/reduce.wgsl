// Workgroup-wide reductions. The including kernel declares `const WORKGROUP_SIZE` (a power of two) and runs with
// @workgroup_size(WORKGROUP_SIZE). Call from uniform control flow only.
var<workgroup> reduce_scratch: array<f32, WORKGROUP_SIZE>;

fn workgroup_sum(value: f32, lane: u32) -> f32 {
  reduce_scratch[lane] = value;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride /= 2u) {
    if (lane < stride) {
      reduce_scratch[lane] += reduce_scratch[lane + stride];
    }
    workgroupBarrier();
  }
  let total = reduce_scratch[0];
  workgroupBarrier();
  return total;
}

fn workgroup_max(value: f32, lane: u32) -> f32 {
  reduce_scratch[lane] = value;
  workgroupBarrier();
  for (var stride = WORKGROUP_SIZE / 2u; stride > 0u; stride /= 2u) {
    if (lane < stride) {
      reduce_scratch[lane] = max(reduce_scratch[lane], reduce_scratch[lane + stride]);
    }
    workgroupBarrier();
  }
  let total = reduce_scratch[0];
  workgroupBarrier();
  return total;
}
