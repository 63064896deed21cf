// out (M, N) = x (M, K) · w for a few rows (M up to 32 or so) on real GPUs: one 16×64 output tile per workgroup,
// each of the 256 invocations accumulating one row's column quad, K cut into num_workgroups.z slices so that a short,
// wide product still fills the GPU. With SPLIT each slice writes its partial sums, (slices, M, N), into `out` (a
// scratch buffer) and matmul_splitk_reduce.wgsl adds them and applies the epilogue; without, the one slice stores.

override W_IS_NK: bool = false;
override SPLIT: bool = false;

const ROWS = 16u;
const QUADS = 16u; // 64 columns
const TILE_K = 16u;

var<workgroup> x_tile: array<f32, 256>; // x_tile[k * ROWS + m]
var<workgroup> w_tile: array<vec4<f32>, 256>; // w_tile[k * QUADS + n / 4][n % 4]

@compute @workgroup_size(256)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let row0 = group.y * ROWS;
  let col0 = group.x * QUADS * 4u;
  let row = lane / QUADS;
  let quad = lane % QUADS;
  // Slices of whole TILE_K steps; the host computes the same length.
  let chunk = (params.K + groups.z * TILE_K - 1u) / (groups.z * TILE_K) * TILE_K;
  let k_begin = group.z * chunk;
  let k_end = min(params.K, k_begin + chunk);
  var acc = vec4<f32>();
  for (var k0 = k_begin; k0 < k_end; k0 += TILE_K) {
    if (lane < 64u) {
      let x_row = lane / 4u;
      let x_k = (lane % 4u) * 4u;
      let x_values = x_quad(row0 + x_row, k0 + x_k);
      for (var j = 0u; j < 4u; j++) {
        x_tile[(x_k + j) * ROWS + x_row] = x_values[j];
      }
    }
    if (W_IS_NK) {
      let w_row = lane / 4u;
      let w_k = (lane % 4u) * 4u;
      let w_values = w_quad(col0 + w_row, k0 + w_k, params.N, params.K);
      for (var j = 0u; j < 4u; j++) {
        w_tile[(w_k + j) * QUADS + w_row / 4u][w_row % 4u] = w_values[j];
      }
    } else {
      let w_k = lane / QUADS;
      let w_col = (lane % QUADS) * 4u;
      w_tile[w_k * QUADS + w_col / 4u] = w_quad(k0 + w_k, col0 + w_col, params.K, params.N);
    }
    workgroupBarrier();
    for (var k = 0u; k < TILE_K; k++) {
      acc += x_tile[k * ROWS + row] * w_tile[k * QUADS + quad];
    }
    workgroupBarrier();
  }
  let m = row0 + row;
  for (var j = 0u; j < 4u; j++) {
    let n = col0 + quad * 4u + j;
    if (m < params.M && n < params.N) {
      if (SPLIT) {
        out[(group.z * params.M + m) * params.N + n] = acc[j];
      } else {
        store(m, n, acc[j]);
      }
    }
  }
}
