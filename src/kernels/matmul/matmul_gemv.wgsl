// Matrix-vector products for a few rows of x (decode steps): workgroup (x: output block, y: row m).

var<workgroup> partial: array<f32, 256>;
var<workgroup> partial_quads: array<vec4<f32>, 256>;

// w is (N, K): 8 outputs per workgroup, 32 invocations per output striding over K by quads, then a tree sum.
@compute @workgroup_size(256)
fn rows_of_w(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lane: u32) {
  let m = group.y;
  let n = group.x * 8u + lane / 32u;
  let slice = lane % 32u;
  var sum = 0.0;
  if (n < params.N) {
    for (var k = slice * 4u; k < params.K; k += 128u) {
      sum += dot(x_quad(m, k), w_quad(n, k, params.N, params.K));
    }
  }
  partial[lane] = sum;
  workgroupBarrier();
  for (var stride = 16u; stride > 0u; stride /= 2u) {
    if (slice < stride) {
      partial[lane] += partial[lane + stride];
    }
    workgroupBarrier();
  }
  if (slice == 0u && n < params.N) {
    store(m, n, partial[lane]);
  }
}

// w is (K, N): 32 outputs (8 quads) per workgroup, 32 invocations per quad striding over K, then a tree sum.
@compute @workgroup_size(256)
fn cols_of_w(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lane: u32) {
  let m = group.y;
  let n = group.x * 32u + (lane % 8u) * 4u;
  let slice = lane / 8u;
  var sum = vec4<f32>(0.0);
  if (n < params.N) {
    for (var k = slice; k < params.K; k += 32u) {
      sum += x_at(m, k) * w_quad(k, n, params.K, params.N);
    }
  }
  partial_quads[lane] = sum;
  workgroupBarrier();
  for (var stride = 16u; stride > 0u; stride /= 2u) {
    if (slice < stride) {
      partial_quads[lane] += partial_quads[lane + stride * 8u];
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
