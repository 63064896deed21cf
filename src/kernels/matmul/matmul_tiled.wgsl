// out (M, N) = x (M, K) · w, one TILE×TILE output tile per workgroup, QUADS-deep K slices staged in shared memory,
// each of the QUADS² invocations accumulating a 4×4 block with vec4 FMAs. TILE is 64 (256 invocations) or 32 (64
// invocations), chosen per adapter class on the host.

// true: w is (N, K) (torch Linear, LM head); false: w is (K, N) (GPT-2 Conv1D).
override W_IS_NK: bool = false;
override TILE: u32 = 64u;

override QUADS = TILE / 4u; // 4×4 blocks along each side of the tile
override LANES = QUADS * QUADS; // invocations, and quads in each staged slice
override TILE_K = QUADS; // k per staged slice: TILE rows × TILE_K = LANES quads, one load per invocation

// Both tiles are stored k-major as quads: x_tile[k * QUADS + m / 4][m % 4], w_tile[k * QUADS + n / 4][n % 4].
var<workgroup> x_tile: array<vec4<f32>, LANES>;
var<workgroup> w_tile: array<vec4<f32>, LANES>;

@compute @workgroup_size(LANES)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(local_invocation_index) lane: u32) {
  let row0 = group.y * TILE;
  let col0 = group.x * TILE;
  let block_m = lane / QUADS; // this invocation's rows: row0 + block_m * 4 + 0..3
  let block_n = lane % QUADS; // and columns: col0 + block_n * 4 + 0..3
  let quads_k = TILE_K / 4u; // quads along k in one staged row
  var acc = array<vec4<f32>, 4>();

  for (var k0 = 0u; k0 < params.K; k0 += TILE_K) {
    // x tile: TILE rows × TILE_K k, one quad along k per invocation, transposed into k-major.
    let x_row = lane / quads_k;
    let x_k = (lane % quads_k) * 4u;
    let x_values = x_quad(row0 + x_row, k0 + x_k);
    for (var j = 0u; j < 4u; j++) {
      x_tile[(x_k + j) * QUADS + x_row / 4u][x_row % 4u] = x_values[j];
    }
    if (W_IS_NK) {
      let w_row = lane / quads_k;
      let w_k = (lane % quads_k) * 4u;
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
      let a = x_tile[k * QUADS + block_m];
      let b = w_tile[k * QUADS + block_n];
      acc[0] += a.x * b;
      acc[1] += a.y * b;
      acc[2] += a.z * b;
      acc[3] += a.w * b;
    }
    workgroupBarrier();
  }

  for (var i = 0u; i < 4u; i++) {
    let m = row0 + block_m * 4u + i;
    for (var j = 0u; j < 4u; j++) {
      let n = col0 + block_n * 4u + j;
      if (m < params.M && n < params.N) {
        store(m, n, acc[i][j]);
      }
    }
  }
}
