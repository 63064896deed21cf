// out (P, Q) (=|+=) act(A (P, R) · B (R, Q) + bias (Q)): linear layers on a software adapter (x·W or x·Wᵀ, with
// the GELU epilogue) and training's backward products (dx = dout·W, dW = xᵀ·dout, in either weight layout).
// One 4×4 block of out per invocation, accumulated from 4×4 blocks of A and B with vec4 FMAs, and no shared memory or
// barriers: on a software adapter (SwiftShader) barriers cost more than the arithmetic. A may be stored transposed,
// (R, P), and B transposed, (Q, R). Q must be a multiple of 4 (out is written in quads). Prepended: gelu_functions.wgsl
// (the epilogue) and blocked_io_vec4.wgsl or blocked_io_scalar.wgsl (loads reading zeros past the last row or column).
override A_T: bool = false;
override B_T: bool = false;
override HAS_BIAS: bool = false;
override ACTIVATION: u32 = 0u; // 0: none, 1: GELU (erf), 2: GELU (tanh), 3: tanh, 4: ReLU

struct Params {
  P: u32,
  Q: u32,
  R: u32,
  accumulate: u32, // out += instead of out =
  a_base: u32, // elements of a before its first row
  out_base: u32, // quads of out before its first row
}

@group(0) @binding(2) var<storage, read_write> out: array<vec4<f32>>; // (P, Q)
@group(0) @binding(3) var<storage, read> bias: array<vec4<f32>>; // (Q); a placeholder without HAS_BIAS
@group(0) @binding(4) var<uniform> params: Params;

@compute @workgroup_size(64)
fn main(@builtin(workgroup_id) group: vec3u, @builtin(num_workgroups) groups: vec3u, @builtin(local_invocation_index) lane: u32) {
  let P = params.P;
  let Q = params.Q;
  let R = params.R;
  let qQuads = Q / 4u;
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
  var shift = vec4<f32>();
  if (HAS_BIAS) {
    shift = bias[q0 / 4u];
  }
  let rows = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
  for (var i = 0u; i < 4u; i++) {
    let p = p0 + i;
    if (p < P) {
      let o = params.out_base + p * qQuads + q0 / 4u;
      let value = activate(rows[i] + shift);
      out[o] = select(value, value + out[o], params.accumulate != 0u);
    }
  }
}

fn activate(v: vec4<f32>) -> vec4<f32> {
  if (ACTIVATION == 1u) {
    return vec4<f32>(gelu_erf(v.x), gelu_erf(v.y), gelu_erf(v.z), gelu_erf(v.w));
  }
  if (ACTIVATION == 2u) {
    return vec4<f32>(gelu_tanh(v.x), gelu_tanh(v.y), gelu_tanh(v.z), gelu_tanh(v.w));
  }
  if (ACTIVATION == 3u) {
    return tanh(clamp(v, vec4<f32>(-15.0), vec4<f32>(15.0)));
  }
  if (ACTIVATION == 4u) {
    return max(v, vec4<f32>(0.0));
  }
  return v;
}
