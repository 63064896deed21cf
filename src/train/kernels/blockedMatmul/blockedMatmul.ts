import { Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../../gpu';
import { matmul } from '../../../kernels/matmul/matmul';
import type { MatmulArgs } from '../../../kernels/matmul/matmul.ref';
import type { BlockedMatmulArgs } from './blockedMatmul.ref';
import blockedWgsl from './blocked_matmul.wgsl?raw';
import ioScalarWgsl from './io_scalar.wgsl?raw';
import ioVec4Wgsl from './io_vec4.wgsl?raw';

/**
 * out (=|+=) A·B (+ bias) in 4×4 blocks, A and B each optionally transposed; Q must be a multiple of 4. Loads are
 * vec4 when every row loaded along is a multiple of 4 long (A's: R, or P when transposed; a transposed B's: R),
 * scalar otherwise.
 */
export function blockedMatmul(rec: Recorder, args: BlockedMatmulArgs<Tensor> & { label?: string }): void {
  const { a, b, out, bias, P, Q, R, aT, bT, accumulate, label = 'blocked_matmul' } = args;
  if (Q % 4 !== 0) throw new Error(`blockedMatmul: Q ${Q} is not a multiple of 4`);
  const io = (aT ? P : R) % 4 === 0 && (!bT || R % 4 === 0) ? 'vec4' : 'scalar';
  rec.dispatch({
    label,
    pipeline: rec.gpu.pipeline(`blocked_matmul.${io}`, (io === 'vec4' ? ioVec4Wgsl : ioScalarWgsl) + blockedWgsl, 'main', {
      A_T: aT ? 1 : 0, B_T: bT ? 1 : 0, HAS_BIAS: bias ? 1 : 0,
    }),
    bindings: [a, b, out, bias ?? rec.gpu.placeholder],
    uniforms: new Uniforms().u32(P).u32(Q).u32(R).u32(accumulate ? 1 : 0).bytes(),
    workgroups: workgroupGrid(Math.ceil((Math.ceil(P / 4) * (Q / 4)) / 64)),
  });
}

/**
 * The training graphs' linear layers: out = x·W + bias. On a software adapter (SwiftShader), where the tiled
 * matmul's workgroup barriers cost more than its arithmetic, shapes the blocked kernel takes (N a multiple of 4, no
 * fused activation or offsets, f32 weights within one binding) run there; everything else, and every layer on a
 * real GPU, runs the inference matmul (src/kernels/matmul).
 */
export function trainingMatmul(rec: Recorder, args: MatmulArgs<Tensor>): void {
  const { x, w, bias, out, M, N, K, wLayout, activation = 'none' } = args;
  const plain = !args.outStride && !args.outOffset && !args.wRowOffset && !args.biasOffset && !args.xRowOffset && activation === 'none';
  const fits = w.dtype === 'f32' && w.byteLength <= rec.gpu.info.limits.maxStorageBufferBindingSize;
  if (rec.gpu.info.isSoftwareAdapter && plain && fits && N % 4 === 0) {
    blockedMatmul(rec, { a: x, b: w, out, bias, P: M, Q: N, R: K, aT: false, bT: wLayout === 'nk', accumulate: false, label: `linear_${wLayout} (${M}x${K}x${N})` });
  } else {
    matmul(rec, args);
  }
}
