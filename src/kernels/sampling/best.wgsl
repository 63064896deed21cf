// Workgroup-wide argmax over (value, index) pairs for 256-invocation workgroups: the larger value wins,
// ties go to the smaller index; index NONE marks "no candidate". Call from uniform control flow only.
const NONE = 0xffffffffu;

struct Best {
  value: f32,
  index: u32,
}

var<workgroup> best_scratch: array<Best, 256>;

fn is_better(candidate: Best, current: Best) -> bool {
  if (candidate.index == NONE) {
    return false;
  }
  return current.index == NONE || candidate.value > current.value || (candidate.value == current.value && candidate.index < current.index);
}

fn workgroup_best(mine: Best, lane: u32) -> Best {
  best_scratch[lane] = mine;
  workgroupBarrier();
  for (var stride = 128u; stride > 0u; stride /= 2u) {
    if (lane < stride && is_better(best_scratch[lane + stride], best_scratch[lane])) {
      best_scratch[lane] = best_scratch[lane + stride];
    }
    workgroupBarrier();
  }
  let result = best_scratch[0];
  workgroupBarrier();
  return result;
}
