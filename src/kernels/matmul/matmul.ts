import { BYTES_PER_ELEMENT, GpuError, Uniforms, workgroupGrid, type GpuInfo, type Recorder, type Tensor, type TensorWindow } from '../../gpu';
import geluFunctionsWgsl from '../gelu/gelu_functions.wgsl?raw';
import { composeWgsl, subgroupWgsl } from '../subgroup';
import { blockedMatmul } from './blocked';
import epilogueWgsl from './epilogue.wgsl?raw';
import ioF16Wgsl from './io_f16.wgsl?raw';
import ioPackedWgsl from './io_packed.wgsl?raw';
import ioScalarWgsl from './io_scalar.wgsl?raw';
import ioVec4Wgsl from './io_vec4.wgsl?raw';
import commonWgsl from './matmul_common.wgsl?raw';
import gemvWgsl from './matmul_gemv.wgsl?raw';
import gemvSubgroupWgsl from './matmul_gemv_subgroup.wgsl?raw';
import splitKWgsl from './matmul_splitk.wgsl?raw';
import splitKReduceWgsl from './matmul_splitk_reduce.wgsl?raw';
import tiledWgsl from './matmul_tiled.wgsl?raw';
import packedWeightsWgsl from './packed_weights.wgsl?raw';
import { packedInfo, W_FORMAT_CODE, type PackedInfo } from './packed';
import { ACTIVATION_CODE } from './activation';
import type { MatmulArgs } from './matmul.ref';

type Loads = 'vec4' | 'scalar' | 'f16' | 'packed';

const LOADS_WGSL: Record<Loads, string> = { vec4: ioVec4Wgsl, scalar: ioScalarWgsl, f16: ioF16Wgsl, packed: packedWeightsWgsl + ioPackedWgsl };

/** Below this many rows a matrix-vector kernel (one pass over w per row) beats tiles. */
const GEMV_MAX_ROWS = 8;
/** Up to this many rows (real GPUs) the 16-row split-K tiles beat 64-row ones, which would be mostly empty. */
const SPLIT_K_MAX_ROWS = 32;
/** Workgroups the split-K kernel aims for, so that a short, wide product keeps a large GPU busy. */
const SPLIT_K_TARGET_WORKGROUPS = 256;

/**
 * The two kernel families. 'shared-memory' (real GPUs): TILE×TILE tiles staged in workgroup memory (TILE per adapter
 * class, tileFor), 16-row tiles with K split across workgroups up to SPLIT_K_MAX_ROWS rows, and below GEMV_MAX_ROWS
 * rows a matrix-vector kernel (subgroup sums where the device has `subgroups`, else lanes sharing each output through
 * shared memory). 'barrier-free' (software adapters such as SwiftShader, where a workgroup barrier costs more than the
 * arithmetic): one 4×4 block per invocation (blocked.ts) at any shape, f32 or packed weights (packed.ts); native f16
 * weights (which it does not take) one column quad per invocation below GEMV_MAX_ROWS rows.
 */
export type MatmulKernel = 'shared-memory' | 'barrier-free';

/** Each kernel by name, for tests and benchmarks that force one. */
export type MatmulVariant = 'tiled-64' | 'tiled-32' | 'split-k' | 'gemv' | 'gemv-subgroup' | 'blocked' | 'gemv-serial';

export const MATMUL_VARIANTS: readonly MatmulVariant[] = ['tiled-64', 'tiled-32', 'split-k', 'gemv', 'gemv-subgroup', 'blocked', 'gemv-serial'];

/**
 * The tiled kernel's tile side per adapter class: 64 (256 invocations, 16 outputs each) on desktop GPUs, 32 (64
 * invocations) on the mobile and integrated designs whose workgroups are cheaper small. A starting table: the bench
 * kit times both on the machine it runs on (matmul rows forced to each variant).
 */
export function tileFor(info: Pick<GpuInfo, 'vendor' | 'architecture'>): 32 | 64 {
  return /apple|arm|mali|qualcomm|adreno|imagination|powervr/i.test(`${info.vendor} ${info.architecture}`) ? 32 : 64;
}

/** The kernel `matmul` runs for these arguments on this device (or in the forced family). */
export function matmulVariant(rec: Recorder, args: Pick<MatmulArgs<Tensor>, 'M' | 'w'>, kernel?: MatmulKernel): MatmulVariant {
  const { gpu } = rec;
  const family = kernel ?? (gpu.info.isSoftwareAdapter ? 'barrier-free' : 'shared-memory');
  if (family === 'barrier-free') {
    // The blocked kernel even for one row: its branch-free 4×4 blocks beat the serial GEMV's column quads on
    // SwiftShader at every decode shape measured (1x768x2304: 2.4x, 4x768x3072: 6x), though 3 of 4 rows are padding.
    if (args.w.dtype === 'f32' || packedInfo(args.w)) return 'blocked';
    return args.M < GEMV_MAX_ROWS ? 'gemv-serial' : `tiled-${tileFor(gpu.info)}`;
  }
  if (args.M < GEMV_MAX_ROWS) return gpu.hasSubgroups ? 'gemv-subgroup' : 'gemv';
  if (args.M <= SPLIT_K_MAX_ROWS) return 'split-k';
  return `tiled-${tileFor(gpu.info)}`;
}

/**
 * out[m, outOffset + n] = act(x[m] · w[:, n] + bias[n]); see MatmulArgs. The kernel follows the adapter (matmulVariant)
 * unless `force` names a family or one kernel (tests, benchmarks). Only the rows of w that are used get bound, so a
 * vocabulary table larger than maxStorageBufferBindingSize can be projected in chunks of N rows with wRowOffset.
 */
export function matmul(rec: Recorder, args: MatmulArgs<Tensor>, force?: MatmulKernel | MatmulVariant): void {
  const variant = force === undefined || force === 'shared-memory' || force === 'barrier-free' ? matmulVariant(rec, args, force) : force;
  const { x, w, bias, out, M, N, K, wLayout, activation = 'none', accumulate = false } = args;
  const { outStride = N, outOffset = 0, wRowOffset = 0, biasOffset = 0, xRowOffset = 0 } = args;
  const packed = packedInfo(w);
  if (x.dtype !== 'f32' || out.dtype !== 'f32' || (bias && bias.dtype !== 'f32') || (w.dtype === 'u32' && !packed)) {
    throw new GpuError(`matmul: x, out and bias must be f32 and w f32, f16 or packed`);
  }
  const weights = packed ? packedWindow(rec, w, packed, args) : weightWindow(rec, w, wRowOffset, wLayout === 'nk' ? N : K, wLayout === 'nk' ? K : N);
  const label = `matmul_${wLayout}${bias ? '_bias' : ''}${activation === 'none' ? '' : `_${activation}`}${accumulate ? '_accumulate' : ''} (${M}x${K}x${N} ${variant}${packed ? `, ${packed.format} weights` : ''})`;
  if (variant === 'blocked') {
    if (w.dtype === 'f16') throw new GpuError('matmul: the blocked kernel takes f32 or packed weights, not f16');
    blockedMatmul(rec, {
      a: x, b: weights.window, bPacked: packed, out, bias, P: M, Q: N, R: K, aT: false, bT: wLayout === 'nk', accumulate, activation,
      aOffset: xRowOffset * K, bOffset: weights.base, outOffset, outStride, biasOffset, label,
    });
    return;
  }
  const aligned = K % 4 === 0 && (wLayout === 'nk' || N % 4 === 0);
  if (w.dtype === 'f16' && !aligned) throw new GpuError(`matmul: f16 weights need K${wLayout === 'kn' ? ' and N' : ''} to be multiples of 4`);
  const loads: Loads = packed ? 'packed' : w.dtype === 'f16' ? 'f16' : aligned ? 'vec4' : 'scalar';
  const io = LOADS_WGSL[loads] + geluFunctionsWgsl + epilogueWgsl + commonWgsl;
  const constants: Record<string, number> = { ACTIVATION: ACTIVATION_CODE[activation], HAS_BIAS: bias ? 1 : 0, ACCUMULATE: accumulate ? 1 : 0 };
  if (packed) constants.W_FORMAT = W_FORMAT_CODE[packed.format];
  const uniforms = new Uniforms().u32(M).u32(N).u32(K).u32(outStride).u32(outOffset).u32(weights.base).u32(biasOffset).u32(xRowOffset * K)
    .u32(packed?.scalesOffset ?? 0).bytes();
  const bindings = [x, weights.window, bias ?? rec.gpu.placeholder, out];
  if (variant === 'tiled-64' || variant === 'tiled-32') {
    const tile = variant === 'tiled-64' ? 64 : 32;
    constants.W_IS_NK = wLayout === 'nk' ? 1 : 0;
    constants.TILE = tile;
    const pipeline = rec.pipeline(`matmul.${loads}.tiled`, io + tiledWgsl, 'main', constants);
    rec.dispatch({ label, pipeline, bindings, uniforms, workgroups: [Math.ceil(N / tile), Math.ceil(M / tile)] });
  } else if (variant === 'split-k') {
    splitK(rec, args, { loads, source: io + splitKWgsl, constants, uniforms, bindings, label });
  } else if (variant === 'gemv-subgroup') {
    if (!rec.gpu.hasSubgroups) throw new GpuError('matmul: the subgroup kernel needs a device with the subgroups feature');
    const pipeline = rec.pipeline(`matmul.${loads}.gemv_subgroup`, composeWgsl(subgroupWgsl, io, gemvSubgroupWgsl), wLayout === 'nk' ? 'rows_of_w' : 'cols_of_w', constants);
    rec.dispatch({ label, pipeline, bindings, uniforms, workgroups: [Math.ceil(N / (wLayout === 'nk' ? 64 : 256)), M] });
  } else {
    // 'gemv': LANES invocations share each output; 'gemv-serial': one invocation per column quad, no barriers.
    const serial = variant === 'gemv-serial';
    const lanes = gemvLanes(K, wLayout);
    if (serial) constants.W_IS_NK = wLayout === 'nk' ? 1 : 0;
    else constants.LANES = lanes;
    const entryPoint = serial ? 'quads_serial' : wLayout === 'nk' ? 'rows_of_w' : 'cols_of_w';
    const pipeline = rec.pipeline(`matmul.${loads}.gemv`, io + gemvWgsl, entryPoint, constants);
    const outputsPerWorkgroup = serial ? 4 * 64 : wLayout === 'nk' ? 256 / lanes : (4 * 256) / lanes;
    rec.dispatch({ label, pipeline, bindings, uniforms, workgroups: [Math.ceil(N / outputsPerWorkgroup), M] });
  }
}

interface Prepared {
  loads: Loads;
  source: string;
  constants: Record<string, number>;
  uniforms: ArrayBuffer;
  bindings: (Tensor | TensorWindow)[];
  label: string;
}

/**
 * 16-row tiles with K cut into slices: enough workgroups for about SPLIT_K_TARGET_WORKGROUPS, each slice at least
 * 256 deep. One slice stores directly; more write partial sums to a scratch (slices, M, N) that a second pass adds.
 */
function splitK(rec: Recorder, args: MatmulArgs<Tensor>, prepared: Prepared): void {
  const { bias, out, M, N, K, wLayout, activation = 'none', accumulate = false } = args;
  const { outStride = N, outOffset = 0, biasOffset = 0 } = args;
  const tiles = Math.ceil(M / 16) * Math.ceil(N / 64);
  const slices = Math.max(1, Math.min(Math.ceil(SPLIT_K_TARGET_WORKGROUPS / tiles), Math.floor(K / 256)));
  const split = slices > 1;
  // The split pass writes plain partial sums; the epilogue (bias, activation, accumulation) is the second pass's.
  const constants = { ...prepared.constants, W_IS_NK: wLayout === 'nk' ? 1 : 0, SPLIT: split ? 1 : 0, ACCUMULATE: split ? 0 : prepared.constants.ACCUMULATE };
  const pipeline = rec.pipeline(`matmul.${prepared.loads}.splitk`, prepared.source, 'main', constants);
  const partial = split ? rec.scratch([slices, M, N], `${prepared.label}.partial`) : out;
  const bindings = [...prepared.bindings.slice(0, 3), partial];
  rec.dispatch({ label: prepared.label, pipeline, bindings, uniforms: prepared.uniforms, workgroups: [Math.ceil(N / 64), Math.ceil(M / 16), slices] });
  if (!split) return;
  rec.dispatch({
    label: `matmul_splitk_reduce (${slices}x${M}x${N})`,
    pipeline: rec.pipeline('matmul.splitk_reduce', geluFunctionsWgsl + epilogueWgsl + splitKReduceWgsl, 'main', {
      ACTIVATION: ACTIVATION_CODE[activation], HAS_BIAS: bias ? 1 : 0, ACCUMULATE: accumulate ? 1 : 0,
    }),
    bindings: [partial, bias ?? rec.gpu.placeholder, out],
    uniforms: new Uniforms().u32(M).u32(N).u32(slices).u32(outStride).u32(outOffset).u32(biasOffset).bytes(),
    workgroups: workgroupGrid(Math.ceil((M * N) / 256)),
  });
}

/** Invocations sharing one GEMV output: enough for about 4 quads ('nk') or 8 rows ('kn') each, 1 to 32. */
function gemvLanes(K: number, wLayout: 'kn' | 'nk'): number {
  const wanted = wLayout === 'nk' ? Math.ceil(K / 16) : Math.ceil(K / 8);
  return Math.min(32, 2 ** Math.ceil(Math.log2(Math.max(1, wanted))));
}

/**
 * A packed weight is bound whole (its scales follow its data): rows from wRowOffset are an element offset into it.
 * It is stored (N, K) whatever layout it came in, so it is only ever read as 'nk'.
 */
function packedWindow(rec: Recorder, w: Tensor, packed: PackedInfo, args: MatmulArgs<Tensor>): { window: TensorWindow; base: number } {
  const { N, K, wLayout, wRowOffset = 0 } = args;
  if (wLayout !== 'nk' || K !== packed.K || wRowOffset + N > packed.N) {
    throw new GpuError(`matmul: '${w.label}' is a packed ${packed.N}x${packed.K} (N, K) weight; asked for ${wLayout} rows ${wRowOffset}..${wRowOffset + N} of K=${K}`);
  }
  const byteLength = Math.min(Math.ceil(w.byteLength / 16) * 16, w.buffer.size);
  if (byteLength > rec.gpu.info.limits.maxStorageBufferBindingSize) {
    throw new GpuError(`matmul: the packed weight '${w.label}' (${byteLength} bytes) exceeds this GPU's binding limit`);
  }
  return { window: { tensor: w, byteOffset: 0, byteLength }, base: wRowOffset * K };
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
