// dst block (rows, cols) = src block: one invocation per element (a KV cache's new k|v rows out of q|k|v rows).
struct Params {
  rows: u32,
  cols: u32,
  src_stride: u32,
  dst_stride: u32,
  src_first: u32, // srcRow · srcStride + srcCol
  dst_first: u32, // dstRow · dstStride + dstCol
}

@group(0) @binding(0) var<storage, read> src: array<f32>;
@group(0) @binding(1) var<storage, read_write> dst: array<f32>;
@group(0) @binding(2) var<uniform> params: Params;

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let i = (group.x + group.y * groups.x) * 256u + lane;
  if (i >= params.rows * params.cols) {
    return;
  }
  let r = i / params.cols;
  let c = i % params.cols;
  dst[params.dst_first + r * params.dst_stride + c] = src[params.src_first + r * params.src_stride + c];
}
