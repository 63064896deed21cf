import { BYTES_PER_ELEMENT, GpuError, Uniforms, type Recorder, type Tensor, type TensorWindow } from '../../gpu';
import geluFunctionsWgsl from '../gelu/gelu_functions.wgsl?raw';
import { blockedMatmul } from './blocked';
import ioF16Wgsl from './io_f16.wgsl?raw';
import ioScalarWgsl from './io_scalar.wgsl?raw';
import ioVec4Wgsl from './io_vec4.wgsl?raw';
import commonWgsl from './matmul_common.wgsl?raw';
import gemvWgsl from './matmul_gemv.wgsl?raw';
import tiledWgsl from './matmul_tiled.wgsl?raw';
import { ACTIVATION_CODE } from './activation';
import type { MatmulArgs } from './matmul.ref';

type Loads = 'vec4' | 'scalar' | 'f16';

const LOADS_WGSL: Record<Loads, string> = { vec4: ioVec4Wgsl, scalar: ioScalarWgsl, f16: ioF16Wgsl };

/** Below this many rows a matrix-vector kernel (one pass over w per row) beats 64-row tiles. */
const GEMV_MAX_ROWS = 8;

/**
 * The two kernel families. 'shared-memory' (real GPUs): 64×64 tiles staged in workgroup memory, or below
 * GEMV_MAX_ROWS rows a matrix-vector kernel whose lanes share each output. 'barrier-free' (software adapters such as
 * SwiftShader, where a workgroup barrier costs more than the arithmetic): one 4×4 block per invocation (blocked.ts),
 * or below GEMV_MAX_ROWS rows one column quad per invocation.
 */
export type MatmulKernel = 'shared-memory' | 'barrier-free';

/**
 * out[m, outOffset + n] = act(x[m] · w[:, n] + bias[n]); see MatmulArgs. The family follows the adapter unless
 * `kernel` forces one (tests, benchmarks); arguments the blocked kernel cannot take (see blockedTakes) run the tiles.
 */
export function matmul(rec: Recorder, args: MatmulArgs<Tensor>, kernel?: MatmulKernel): void {
  const family = kernel ?? (rec.gpu.info.isSoftwareAdapter ? 'barrier-free' : 'shared-memory');
  const { x, w, bias, out, M, N, K, wLayout, activation, xRowOffset = 0, outOffset = 0 } = args;
  if (family === 'barrier-free' && M >= GEMV_MAX_ROWS && blockedTakes(rec, args)) {
    const label = `linear_${wLayout}${activation && activation !== 'none' ? `_${activation}` : ''} (${M}x${K}x${N})`;
    blockedMatmul(rec, { a: x, b: w, out, bias, P: M, Q: N, R: K, aT: false, bT: wLayout === 'nk', accumulate: false, activation, aOffset: xRowOffset * K, outOffset, label });
  } else {
    sharedOrGemvMatmul(rec, args, family === 'barrier-free');
  }
}

/** Whether the blocked kernel can run these arguments: f32 weights within one binding, N and the output window in quads, w unwindowed. */
function blockedTakes(rec: Recorder, { w, N, outStride = N, outOffset = 0, wRowOffset = 0, biasOffset = 0 }: MatmulArgs<Tensor>): boolean {
  const fits = w.dtype === 'f32' && w.byteLength <= rec.gpu.info.limits.maxStorageBufferBindingSize;
  return fits && N % 4 === 0 && outStride === N && outOffset % 4 === 0 && wRowOffset === 0 && biasOffset === 0;
}

/**
 * The tiled kernel, or below GEMV_MAX_ROWS rows a matrix-vector one (`serial`: one invocation per column quad, no
 * barriers). Loads are vec4 when the contiguous dimensions are multiples of 4 (K for x and 'nk' weights, N for 'kn'
 * weights), scalar otherwise; f16 weights need that alignment. Only the rows of w that are used get bound, so a
 * vocabulary table larger than maxStorageBufferBindingSize can be projected in chunks of N rows with wRowOffset.
 */
function sharedOrGemvMatmul(rec: Recorder, args: MatmulArgs<Tensor>, barrierFree: boolean): void {
  const { x, w, bias, out, M, N, K, wLayout, activation = 'none' } = args;
  const { outStride = N, outOffset = 0, wRowOffset = 0, biasOffset = 0, xRowOffset = 0 } = args;
  if (x.dtype !== 'f32' || out.dtype !== 'f32' || (bias && bias.dtype !== 'f32') || w.dtype === 'u32') {
    throw new GpuError(`matmul: x, out and bias must be f32 and w f32 or f16`);
  }
  const aligned = K % 4 === 0 && (wLayout === 'nk' || N % 4 === 0);
  if (w.dtype === 'f16' && !aligned) throw new GpuError(`matmul: f16 weights need K${wLayout === 'kn' ? ' and N' : ''} to be multiples of 4`);
  const loads: Loads = w.dtype === 'f16' ? 'f16' : aligned ? 'vec4' : 'scalar';
  const gemv = M < GEMV_MAX_ROWS;
  const serial = gemv && barrierFree;
  const entryPoint = serial ? 'quads_serial' : gemv ? (wLayout === 'nk' ? 'rows_of_w' : 'cols_of_w') : 'main';
  const constants: Record<string, number> = { ACTIVATION: ACTIVATION_CODE[activation], HAS_BIAS: bias ? 1 : 0 };
  const lanes = gemvLanes(K, wLayout);
  if (gemv && !serial) constants.LANES = lanes;
  else constants.W_IS_NK = wLayout === 'nk' ? 1 : 0;
  const source = LOADS_WGSL[loads] + geluFunctionsWgsl + commonWgsl + (gemv ? gemvWgsl : tiledWgsl);
  const pipeline = rec.gpu.pipeline(`matmul.${loads}.${gemv ? 'gemv' : 'tiled'}`, source, entryPoint, constants);

  const weights = weightWindow(rec, w, wRowOffset, wLayout === 'nk' ? N : K, wLayout === 'nk' ? K : N);
  const outputsPerWorkgroup = serial ? 4 * 64 : gemv ? (wLayout === 'nk' ? 256 / lanes : (4 * 256) / lanes) : 64;
  rec.dispatch({
    label: `matmul_${wLayout}${bias ? '_bias' : ''}${activation === 'none' ? '' : `_${activation}`} (${M}x${K}x${N})`,
    pipeline,
    bindings: [x, weights.window, bias ?? rec.gpu.placeholder, out],
    uniforms: new Uniforms().u32(M).u32(N).u32(K).u32(outStride).u32(outOffset).u32(weights.base).u32(biasOffset).u32(xRowOffset * K).bytes(),
    workgroups: [Math.ceil(N / outputsPerWorkgroup), gemv ? M : Math.ceil(M / 64)],
  });
}

/** Invocations sharing one GEMV output: enough for about 4 quads ('nk') or 8 rows ('kn') each, 1 to 32. */
function gemvLanes(K: number, wLayout: 'kn' | 'nk'): number {
  const wanted = wLayout === 'nk' ? Math.ceil(K / 16) : Math.ceil(K / 8);
  return Math.min(32, 2 ** Math.ceil(Math.log2(Math.max(1, wanted))));
}

/** Binds rows [firstRow, firstRow + rows) of w (row length `rowLength`) at an aligned offset; `base` is the remainder. */
function weightWindow(rec: Recorder, w: Tensor, firstRow: number, rows: number, rowLength: number): { window: TensorWindow; base: number } {
  const bytesPerElement = BYTES_PER_ELEMENT[w.dtype];
  const { minStorageBufferOffsetAlignment: alignment, maxStorageBufferBindingSize } = rec.gpu.info.limits;
  const startByte = firstRow * rowLength * bytesPerElement;
  const endByte = (firstRow + rows) * rowLength * bytesPerElement;
  if (endByte > w.byteLength) throw new GpuError(`matmul: rows ${firstRow}..${firstRow + rows} are outside weight '${w.label}'`);
  const byteOffset = Math.floor(startByte / alignment) * alignment;
  const byteLength = Math.min(Math.ceil((endByte - byteOffset) / 16) * 16, w.buffer.size - byteOffset);
  if (byteLength > maxStorageBufferBindingSize) {
    throw new GpuError(`matmul: ${rows} rows of '${w.label}' exceed this GPU's ${maxStorageBufferBindingSize}-byte binding limit; split N into chunks`);
  }
  return { window: { tensor: w, byteOffset, byteLength }, base: (startByte - byteOffset) / bytesPerElement };
}
