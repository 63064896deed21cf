// Matrix-vector products for a few rows of x (decode steps) with subgroup reductions (the `subgroups` feature):
// no shared memory and no barriers. Workgroup (x: output block, y: row m); subgroup s of S takes the block's outputs
// s, s + S, ... Composed after subgroup.wgsl, one io_*.wgsl, gelu_functions.wgsl, epilogue.wgsl and
// matmul_common.wgsl.

const BLOCK = 64u; // outputs ('nk') or column quads ('kn') per workgroup

// w is (N, K): one output at a time, the subgroup's invocations striding K by quads, then one subgroup sum.
@compute @workgroup_size(256)
fn rows_of_w(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lane: u32,
             @builtin(subgroup_invocation_id) sg_lane: u32, @builtin(subgroup_size) sg_size: u32) {
  let m = group.y;
  for (var output = subgroup_index(lane, sg_size); output < BLOCK; output += 256u / sg_size) {
    let n = group.x * BLOCK + output;
    var sum = 0.0;
    if (n < params.N) {
      for (var k = sg_lane * 4u; k < params.K; k += sg_size * 4u) {
        sum += dot(x_quad(m, k), w_quad(n, k, params.N, params.K));
      }
    }
    let total = subgroupAdd(sum);
    if (sg_lane == 0u && n < params.N) {
      store(m, n, total);
    }
  }
}

// w is (K, N): `span` consecutive column quads at a time (rows of w read in 16·span-byte runs), the subgroup's
// invocations striding K in sg_size / span slices, summed by butterfly shuffles across the slices.
@compute @workgroup_size(256)
fn cols_of_w(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lane: u32,
             @builtin(subgroup_invocation_id) sg_lane: u32, @builtin(subgroup_size) sg_size: u32) {
  let m = group.y;
  let span = min(8u, sg_size);
  let slices = sg_size / span;
  for (var first = subgroup_index(lane, sg_size) * span; first < BLOCK; first += (256u / sg_size) * span) {
    let n = (group.x * BLOCK + first + sg_lane % span) * 4u;
    var sum = vec4<f32>(0.0);
    if (n < params.N) {
      for (var k = sg_lane / span; k < params.K; k += slices) {
        sum += x_at(m, k) * w_quad(k, n, params.K, params.N);
      }
    }
    for (var offset = span; offset < sg_size; offset *= 2u) {
      sum += subgroupShuffleXor(sum, offset);
    }
    if (sg_lane < span) {
      for (var j = 0u; j < 4u; j++) {
        if (n + j < params.N) {
          store(m, n + j, sum[j]);
        }
      }
    }
  }
}
