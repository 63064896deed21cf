import { GpuError, Uniforms, workgroupGrid, type Binding, type Recorder, type Tensor } from '../../gpu';
import geluFunctionsWgsl from '../gelu/gelu_functions.wgsl?raw';
import blockedWgsl from './blocked_matmul.wgsl?raw';
import ioScalarWgsl from './blocked_io_scalar.wgsl?raw';
import ioPackedWgsl from './blocked_io_packed.wgsl?raw';
import ioVec4Wgsl from './blocked_io_vec4.wgsl?raw';
import packedWeightsWgsl from './packed_weights.wgsl?raw';
import { W_FORMAT_CODE, type PackedInfo } from './packed';
import epilogueWgsl from './epilogue.wgsl?raw';
import type { BlockedMatmulArgs } from './blocked.ref';
import { ACTIVATION_CODE } from './activation';

/**
 * out (=|+=) act(A·B + bias) in 4×4 blocks, A and B each optionally transposed, any P, Q and R; out may be a window
 * of a wider matrix (outStride, outOffset) and b a window of a taller one (`b` bound as a TensorWindow, bOffset
 * elements into it). Loads are vec4 when every row loaded along is a multiple of 4 long (A's: R, or P when
 * transposed; B's: Q, or R when transposed) and aOffset and bOffset are too, scalar otherwise. A packed b (`bPacked`,
 * packed.ts: stored (Q, R), so with bT, and aligned) is dequantized as it loads.
 */
export function blockedMatmul(rec: Recorder, args: Omit<BlockedMatmulArgs<Tensor>, 'b'> & { b: Binding; bPacked?: PackedInfo; label?: string }): void {
  const { a, b, bPacked, out, bias, P, Q, R, aT, bT, accumulate, activation = 'none', label = 'blocked_matmul' } = args;
  const { aOffset = 0, bOffset = 0, outOffset = 0, outStride = Q, biasOffset = 0 } = args;
  const aligned = (aT ? P : R) % 4 === 0 && (bT ? R : Q) % 4 === 0 && aOffset % 4 === 0 && bOffset % 4 === 0;
  if (bPacked && (!aligned || !bT || aT)) throw new GpuError('blocked matmul: packed weights are read (Q, R) with R a multiple of 4, from an untransposed a');
  const io = bPacked ? 'packed' : aligned ? 'vec4' : 'scalar';
  const loads = { packed: packedWeightsWgsl + ioPackedWgsl, vec4: ioVec4Wgsl, scalar: ioScalarWgsl }[io];
  const constants: Record<string, number> = { A_T: aT ? 1 : 0, B_T: bT ? 1 : 0, HAS_BIAS: bias ? 1 : 0, ACTIVATION: ACTIVATION_CODE[activation] };
  if (bPacked) constants.W_FORMAT = W_FORMAT_CODE[bPacked.format];
  rec.dispatch({
    label,
    pipeline: rec.pipeline(`blocked_matmul.${io}`, geluFunctionsWgsl + epilogueWgsl + loads + blockedWgsl, 'main', constants),
    bindings: [a, b, out, bias ?? rec.gpu.placeholder],
    uniforms: new Uniforms().u32(P).u32(Q).u32(R).u32(accumulate ? 1 : 0).u32(aOffset).u32(bOffset).u32(outOffset).u32(outStride).u32(biasOffset)
      .u32(bPacked?.scalesOffset ?? 0).bytes(),
    workgroups: workgroupGrid(Math.ceil((Math.ceil(P / 4) * Math.ceil(Q / 4)) / 64)),
  });
}
