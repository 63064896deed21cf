// Row-wise softmax with subgroup reductions (the `subgroups` feature): one subgroup per row, ROWS_PER_WORKGROUP rows
// per workgroup (row r by subgroup r mod subgroups per workgroup); max, then the sum of exp(x - max), then the
// normalized values. Composed after subgroup.wgsl.
struct Params {
  rows: u32,
  cols: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

const ROWS_PER_WORKGROUP = 4u;

@compute @workgroup_size(128)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) local: u32,
        @builtin(subgroup_invocation_id) lane: u32, @builtin(subgroup_size) size: u32) {
  let first = (group.x + group.y * groups.x) * ROWS_PER_WORKGROUP;
  for (var r = subgroup_index(local, size); r < ROWS_PER_WORKGROUP; r += 128u / size) {
    let row = first + r;
    if (row >= params.rows) {
      break;
    }
    let base = row * params.cols;
    var largest = -3.402823e38;
    for (var c = lane; c < params.cols; c += size) {
      largest = max(largest, x[base + c]);
    }
    let row_max = subgroupMax(largest);
    var sum = 0.0;
    for (var c = lane; c < params.cols; c += size) {
      sum += exp(x[base + c] - row_max);
    }
    let inverse_sum = 1.0 / subgroupAdd(sum);
    for (var c = lane; c < params.cols; c += size) {
      out[base + c] = exp(x[base + c] - row_max) * inverse_sum;
    }
  }
}
