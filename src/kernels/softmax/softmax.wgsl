// Row-wise softmax, one workgroup per row: max, then the sum of exp(x - max), then the normalized values.
struct Params {
  rows: u32,
  cols: u32,
}

@group(0) @binding(0) var<storage, read> x: array<f32>;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

const WORKGROUP_SIZE = 256u;

@compute @workgroup_size(WORKGROUP_SIZE)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let row = group.x + group.y * groups.x;
  if (row >= params.rows) {
    return;
  }
  let base = row * params.cols;
  var largest = -3.402823e38;
  for (var c = lane; c < params.cols; c += WORKGROUP_SIZE) {
    largest = max(largest, x[base + c]);
  }
  let row_max = workgroup_max(largest, lane);
  var sum = 0.0;
  for (var c = lane; c < params.cols; c += WORKGROUP_SIZE) {
    sum += exp(x[base + c] - row_max);
  }
  let inverse_sum = 1.0 / workgroup_sum(sum, lane);
  for (var c = lane; c < params.cols; c += WORKGROUP_SIZE) {
    out[base + c] = exp(x[base + c] - row_max) * inverse_sum;
  }
}
