// Matrix-vector products for a few rows of x (decode steps) with subgroup reductions (the `subgroups` feature):
// no shared memory and no barriers. Workgroup (x: output block, y: row m); each subgroup takes the block's outputs
// one ticket at a time. Composed after subgroup.wgsl, one io_*.wgsl, gelu_functions.wgsl, epilogue.wgsl and
// matmul_common.wgsl.

const BLOCK = 64u; // outputs ('nk') or column quads ('kn') per workgroup

// w is (N, K): one output per ticket, the subgroup's invocations striding K by quads, then one subgroup sum.
@compute @workgroup_size(256)
fn rows_of_w(@builtin(workgroup_id) group: vec3u, @builtin(subgroup_invocation_id) sg_lane: u32, @builtin(subgroup_size) sg_size: u32) {
  let m = group.y;
  loop {
    let ticket = next_ticket();
    if (ticket >= BLOCK) {
      break;
    }
    let n = group.x * BLOCK + ticket;
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

// w is (K, N): SPAN consecutive column quads per ticket (rows of w read in 16·SPAN-byte runs), the subgroup's
// invocations striding K in sg_size / SPAN slices, summed by butterfly shuffles across the slices.
@compute @workgroup_size(256)
fn cols_of_w(@builtin(workgroup_id) group: vec3u, @builtin(subgroup_invocation_id) sg_lane: u32, @builtin(subgroup_size) sg_size: u32) {
  let m = group.y;
  let span = min(8u, sg_size);
  let slices = sg_size / span;
  loop {
    let ticket = next_ticket();
    if (ticket * span >= BLOCK) {
      break;
    }
    let n = (group.x * BLOCK + ticket * span + sg_lane % span) * 4u;
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
