// Matrix-vector products for a few rows of x (decode steps): workgroup (x: output block, y: row m).
// LANES invocations share one output (or column quad) and stride over K; the host picks LANES from K so short
// rows do not leave lanes idle. `quads_serial` (software adapters) gives each column quad one invocation.
override LANES: u32 = 32u;

var<workgroup> partial: array<f32, 256>;
var<workgroup> partial_quads: array<vec4<f32>, 256>;

// w is (N, K): 256 / LANES outputs per workgroup, LANES invocations per output striding K by quads, then a tree sum.
@compute @workgroup_size(256)
fn rows_of_w(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lane: u32) {
  let m = group.y;
  let n = group.x * (256u / LANES) + lane / LANES;
  let slice = lane % LANES;
  var sum = 0.0;
  if (n < params.N) {
    for (var k = slice * 4u; k < params.K; k += LANES * 4u) {
      sum += dot(x_quad(m, k), w_quad(n, k, params.N, params.K));
    }
  }
  partial[lane] = sum;
  workgroupBarrier();
  for (var stride = LANES / 2u; stride > 0u; stride /= 2u) {
    if (slice < stride) {
      partial[lane] += partial[lane + stride];
    }
    workgroupBarrier();
  }
  if (slice == 0u && n < params.N) {
    store(m, n, partial[lane]);
  }
}

// w is (K, N): 4 · 256 / LANES outputs per workgroup, LANES invocations per column quad striding K, then a tree sum.
@compute @workgroup_size(256)
fn cols_of_w(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lane: u32) {
  let quads = 256u / LANES;
  let m = group.y;
  let n = (group.x * quads + lane % quads) * 4u;
  let slice = lane / quads;
  var sum = vec4<f32>(0.0);
  if (n < params.N) {
    for (var k = slice; k < params.K; k += LANES) {
      sum += x_at(m, k) * w_quad(k, n, params.K, params.N);
    }
  }
  partial_quads[lane] = sum;
  workgroupBarrier();
  for (var stride = LANES / 2u; stride > 0u; stride /= 2u) {
    if (slice < stride) {
      partial_quads[lane] += partial_quads[lane + stride * quads];
    }
    workgroupBarrier();
  }
  if (slice == 0u) {
    for (var j = 0u; j < 4u; j++) {
      if (n + j < params.N) {
        store(m, n + j, partial_quads[lane][j]);
      }
    }
  }
}

// Software adapters (SwiftShader), where a barrier costs more than the arithmetic: one invocation per column quad
// n .. n + 3, running over all of K alone; workgroup (x: 64 quads, y: row m). W_IS_NK: w is (N, K), else (K, N).
override W_IS_NK: bool = false;

@compute @workgroup_size(64)
fn quads_serial(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lane: u32) {
  let m = group.y;
  let n = (group.x * 64u + lane) * 4u;
  if (n >= params.N) {
    return;
  }
  var sum = vec4<f32>(0.0);
  for (var k = 0u; k < params.K; k += 4u) {
    let xq = x_quad(m, k);
    if (W_IS_NK) {
      sum += vec4<f32>(dot(xq, w_quad(n, k, params.N, params.K)), dot(xq, w_quad(n + 1u, k, params.N, params.K)),
                       dot(xq, w_quad(n + 2u, k, params.N, params.K)), dot(xq, w_quad(n + 3u, k, params.N, params.K)));
    } else {
      sum += xq.x * w_quad(k, n, params.K, params.N) + xq.y * w_quad(k + 1u, n, params.K, params.N)
           + xq.z * w_quad(k + 2u, n, params.K, params.N) + xq.w * w_quad(k + 3u, n, params.K, params.N);
    }
  }
  store_quad(m, n, sum);
}

fn store_quad(m: u32, n: u32, sums: vec4<f32>) {
  for (var j = 0u; j < 4u; j++) {
    if (n + j < params.N) {
      store(m, n + j, sums[j]);
    }
  }
}
