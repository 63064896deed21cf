import { Uniforms, workgroupGrid, type Binding, type Recorder, type Tensor } from '../../gpu';
import geluFunctionsWgsl from '../gelu/gelu_functions.wgsl?raw';
import blockedWgsl from './blocked_matmul.wgsl?raw';
import ioScalarWgsl from './blocked_io_scalar.wgsl?raw';
import ioVec4Wgsl from './blocked_io_vec4.wgsl?raw';
import epilogueWgsl from './epilogue.wgsl?raw';
import type { BlockedMatmulArgs } from './blocked.ref';
import { ACTIVATION_CODE } from './activation';

/**
 * out (=|+=) act(A·B + bias) in 4×4 blocks, A and B each optionally transposed, any P, Q and R; out may be a window
 * of a wider matrix (outStride, outOffset) and b a window of a taller one (`b` bound as a TensorWindow, bOffset
 * elements into it). Loads are vec4 when every row loaded along is a multiple of 4 long (A's: R, or P when
 * transposed; B's: Q, or R when transposed) and aOffset and bOffset are too, scalar otherwise.
 */
export function blockedMatmul(rec: Recorder, args: Omit<BlockedMatmulArgs<Tensor>, 'b'> & { b: Binding; label?: string }): void {
  const { a, b, out, bias, P, Q, R, aT, bT, accumulate, activation = 'none', label = 'blocked_matmul' } = args;
  const { aOffset = 0, bOffset = 0, outOffset = 0, outStride = Q, biasOffset = 0 } = args;
  const aligned = (aT ? P : R) % 4 === 0 && (bT ? R : Q) % 4 === 0 && aOffset % 4 === 0 && bOffset % 4 === 0;
  const io = aligned ? 'vec4' : 'scalar';
  const source = geluFunctionsWgsl + epilogueWgsl + (io === 'vec4' ? ioVec4Wgsl : ioScalarWgsl) + blockedWgsl;
  rec.dispatch({
    label,
    pipeline: rec.gpu.pipeline(`blocked_matmul.${io}`, source, 'main', {
      A_T: aT ? 1 : 0, B_T: bT ? 1 : 0, HAS_BIAS: bias ? 1 : 0, ACTIVATION: ACTIVATION_CODE[activation],
    }),
    bindings: [a, b, out, bias ?? rec.gpu.placeholder],
    uniforms: new Uniforms().u32(P).u32(Q).u32(R).u32(accumulate ? 1 : 0).u32(aOffset).u32(bOffset).u32(outOffset).u32(outStride).u32(biasOffset).bytes(),
    workgroups: workgroupGrid(Math.ceil((Math.ceil(P / 4) * Math.ceil(Q / 4)) / 64)),
  });
}
