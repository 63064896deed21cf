import { GpuError, Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import geluFunctionsWgsl from '../gelu/gelu_functions.wgsl?raw';
import blockedWgsl from './blocked_matmul.wgsl?raw';
import ioScalarWgsl from './blocked_io_scalar.wgsl?raw';
import ioVec4Wgsl from './blocked_io_vec4.wgsl?raw';
import type { BlockedMatmulArgs } from './blocked.ref';
import { ACTIVATION_CODE } from './activation';

/**
 * out (=|+=) act(A·B + bias) in 4×4 blocks, A and B each optionally transposed; Q and outOffset must be multiples
 * of 4. Loads are vec4 when every row loaded along is a multiple of 4 long (A's: R, or P when transposed; a
 * transposed B's: R) and aOffset is too, scalar otherwise.
 */
export function blockedMatmul(rec: Recorder, args: BlockedMatmulArgs<Tensor> & { label?: string }): void {
  const { a, b, out, bias, P, Q, R, aT, bT, accumulate, activation = 'none', aOffset = 0, outOffset = 0, label = 'blocked_matmul' } = args;
  if (Q % 4 !== 0 || outOffset % 4 !== 0) throw new GpuError(`blockedMatmul: Q ${Q} and outOffset ${outOffset} must be multiples of 4`);
  const io = (aT ? P : R) % 4 === 0 && aOffset % 4 === 0 && (!bT || R % 4 === 0) ? 'vec4' : 'scalar';
  const source = geluFunctionsWgsl + (io === 'vec4' ? ioVec4Wgsl : ioScalarWgsl) + blockedWgsl;
  rec.dispatch({
    label,
    pipeline: rec.gpu.pipeline(`blocked_matmul.${io}`, source, 'main', {
      A_T: aT ? 1 : 0, B_T: bT ? 1 : 0, HAS_BIAS: bias ? 1 : 0, ACTIVATION: ACTIVATION_CODE[activation],
    }),
    bindings: [a, b, out, bias ?? rec.gpu.placeholder],
    uniforms: new Uniforms().u32(P).u32(Q).u32(R).u32(accumulate ? 1 : 0).u32(aOffset).u32(outOffset / 4).bytes(),
    workgroups: workgroupGrid(Math.ceil((Math.ceil(P / 4) * (Q / 4)) / 64)),
  });
}
