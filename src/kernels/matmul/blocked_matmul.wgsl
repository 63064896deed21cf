// out (P, Q) (=|+=) act(A (P, R) · B (R, Q) + bias (Q)): linear layers on a software adapter (x·W or x·Wᵀ, with
// the activation epilogue) and training's backward products (dx = dout·W, dW = xᵀ·dout, in either weight layout).
// One 4×4 block of out per invocation, accumulated from 4×4 blocks of A and B with vec4 FMAs, and no shared memory or
// barriers: on a software adapter (SwiftShader) barriers cost more than the arithmetic. A may be stored transposed,
// (R, P), and B transposed, (Q, R). Any P, Q and R: the last block's rows and columns past the edge are computed
// from zeros and not stored. Out may be a window of a wider matrix (out_stride, out_base). Prepended:
// gelu_functions.wgsl, epilogue.wgsl and blocked_io_vec4.wgsl, blocked_io_scalar.wgsl or (packed weights)
// packed_weights.wgsl with blocked_io_packed.wgsl (loads reading zeros past the last row or column).
override A_T: bool = false;
override B_T: bool = false;
override HAS_BIAS: bool = false;

struct Params {
  P: u32,
  Q: u32,
  R: u32,
  accumulate: u32, // out += instead of out =
  a_base: u32, // elements of a before its first row
  b_base: u32, // elements of b before its first row (a window of a taller weight table)
  out_base: u32, // elements of out before out[0, 0]
  out_stride: u32, // elements between rows of out
  bias_base: u32, // elements of bias before bias[0]
  b_scales: u32, // packed b (blocked_io_packed.wgsl): word of its first scale
}

@group(0) @binding(2) var<storage, read_write> out: array<f32>; // (P, out_stride) from out_base
@group(0) @binding(3) var<storage, read> bias: array<f32>; // (Q) from bias_base; a placeholder without HAS_BIAS
@group(0) @binding(4) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let P = params.P;
  let Q = params.Q;
  let R = params.R;
  let qQuads = (Q + 3u) / 4u;
  let index = (group.x + group.y * groups.x) * 64u + lane;
  let p0 = (index / qQuads) * 4u; // out rows p0 .. p0 + 3
  let q0 = (index % qQuads) * 4u; // out columns q0 .. q0 + 3
  if (p0 >= P) {
    return;
  }
  var acc0 = vec4<f32>(); // out row p0 + i is acc_i
  var acc1 = vec4<f32>();
  var acc2 = vec4<f32>();
  var acc3 = vec4<f32>();
  for (var r0 = 0u; r0 < R; r0 += 4u) {
    // Column i of a_block: A[p0 + i, r0 .. r0 + 3].
    var a_block: mat4x4<f32>;
    if (A_T) {
      a_block = transpose(mat4x4<f32>(load_a4(r0, R, P, p0), load_a4(r0 + 1u, R, P, p0), load_a4(r0 + 2u, R, P, p0), load_a4(r0 + 3u, R, P, p0)));
    } else {
      a_block = mat4x4<f32>(load_a4(p0, P, R, r0), load_a4(p0 + 1u, P, R, r0), load_a4(p0 + 2u, P, R, r0), load_a4(p0 + 3u, P, R, r0));
    }
    // Column j of b_block: B[r0 + j, q0 .. q0 + 3].
    var b_block: mat4x4<f32>;
    if (B_T) {
      b_block = transpose(mat4x4<f32>(load_b4(q0, Q, R, r0), load_b4(q0 + 1u, Q, R, r0), load_b4(q0 + 2u, Q, R, r0), load_b4(q0 + 3u, Q, R, r0)));
    } else {
      b_block = mat4x4<f32>(load_b4(r0, R, Q, q0), load_b4(r0 + 1u, R, Q, q0), load_b4(r0 + 2u, R, Q, q0), load_b4(r0 + 3u, R, Q, q0));
    }
    acc0 += b_block * a_block[0];
    acc1 += b_block * a_block[1];
    acc2 += b_block * a_block[2];
    acc3 += b_block * a_block[3];
  }
  let columns = min(4u, Q - q0);
  var shift = vec4<f32>();
  if (HAS_BIAS) {
    for (var j = 0u; j < columns; j++) {
      shift[j] = bias[params.bias_base + q0 + j];
    }
  }
  let rows = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
  for (var i = 0u; i < min(4u, P - p0); i++) {
    let o = params.out_base + (p0 + i) * params.out_stride + q0;
    for (var j = 0u; j < columns; j++) {
      let value = activate(rows[i][j] + shift[j]);
      out[o + j] = select(value, value + out[o + j], params.accumulate != 0u);
    }
  }
}
