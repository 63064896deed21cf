import { GpuError, Uniforms, type Recorder, type Tensor } from '../../gpu';
import { reduceWgsl } from '../reduce';
import attentionWgsl from './attention.wgsl?raw';
import commonWgsl from './attention_common.wgsl?raw';
import rowWgsl from './attention_row.wgsl?raw';
import splitWgsl from './attention_split.wgsl?raw';
import splitCombineWgsl from './attention_split_combine.wgsl?raw';
import ioScalarWgsl from './io_scalar.wgsl?raw';
import ioVec4Wgsl from './io_vec4.wgsl?raw';
import { kvGroup, type AttentionArgs } from './attention.ref';

export const ATTENTION_MAX_KEYS = 1024;
export const ATTENTION_MAX_HEAD_SIZE = 256;

/** WebGPU's guaranteed workgroups per dispatch dimension. */
const MAX_WORKGROUPS = 65535;

/** Queries per workgroup of the flash kernel (one invocation each). */
const FLASH_QUERIES_PER_GROUP = 64;

/** Keys per invocation of the split-key kernel. */
const SPLIT_CHUNK = 16;

/**
 * 'flash' (attention.wgsl): one invocation per query walks its keys once with an online softmax; no barrier, no
 * workgroup memory. 'row' (attention_row.wgsl): 64 invocations per query share its keys, with workgroup reductions.
 * 'split' (attention_split.wgsl + attention_split_combine.wgsl): each query's keys cut into chunks of 16, one
 * invocation per chunk, then a pass that merges the chunks' softmax statistics (flash-decoding); it writes no
 * probabilities.
 * On a hardware GPU, decoding with a long context (at most 4 queries, 256 keys or more) and no probabilities asked
 * for runs the split kernel: a decode step's H queries then keep H·Tk/16 invocations busy. Elsewhere the row kernel
 * wins only where a few queries see many keys (Tk > 64·Tq), and prefill, encoders, KV-cache chunks and short decodes
 * run the flash kernel. Software adapters (SwiftShader) keep flash and row: there the flash kernel's single pass is
 * cheaper than a second dispatch.
 */
export type AttentionKernel = 'flash' | 'row' | 'split';

export const ATTENTION_KERNELS: readonly AttentionKernel[] = ['flash', 'row', 'split'];

export function attentionKernel(Tq: number, Tk: number, device: { software: boolean; probs: boolean } = { software: true, probs: true }): AttentionKernel {
  if (!device.software && !device.probs && Tq <= 4 && Tk >= 256) return 'split';
  return Tk > 64 * Tq ? 'row' : 'flash';
}

/**
 * Scaled dot-product attention for all batches, heads and queries in one dispatch (see AttentionArgs for the
 * layouts: q, k and v may be one packed (B·T, 3C) or (B·T, (H + 2·Hkv)·D) tensor, or k and v a KV cache). With
 * grouped-query attention (Hkv < H) query head h reads kv head floor(h / (H / Hkv)). Tk <= 1024, D <= 256.
 * The probabilities are written only when `probs` is given (a pipeline variant). The flash kernel loads vec4s when
 * D, the strides and the column offsets are multiples of 4, scalars otherwise. `options.kernel` overrides
 * attentionKernel (tests, benchmarks).
 */
export function attention(rec: Recorder, args: AttentionArgs<Tensor, Tensor>, options: { kernel?: AttentionKernel } = {}): void {
  const { q, k, v, out, probs, B, Tq, Tk, H, D, causal, keyMask } = args;
  const { Hkv = H, qOffset = 0, qStride = H * D, kvStride = Hkv * D, qCol = 0, kCol = 0, vCol = 0, kvRowsPerBatch = Tk } = args;
  const group = kvGroup(H, Hkv);
  if (Tk > ATTENTION_MAX_KEYS || D > ATTENTION_MAX_HEAD_SIZE) {
    throw new GpuError(`attention: Tk=${Tk} and D=${D} must be at most ${ATTENTION_MAX_KEYS} and ${ATTENTION_MAX_HEAD_SIZE}`);
  }
  if (keyMask && keyMask.dtype !== 'u32') throw new GpuError('attention: keyMask must be u32');
  const uniforms = new Uniforms()
    .u32(Tq).u32(Tk).u32(H).u32(D)
    .u32(qStride).u32(kvStride).u32(qCol).u32(kCol).u32(vCol).u32(kvRowsPerBatch)
    .u32(qOffset).u32(causal ? 1 : 0).u32(keyMask ? 1 : 0).f32(1 / Math.sqrt(D)).u32(group);
  const kernel = options.kernel ?? attentionKernel(Tq, Tk, { software: rec.gpu.info.isSoftwareAdapter, probs: probs !== undefined });
  if (kernel === 'split' && probs) throw new GpuError('attention: the split-key kernel writes no probabilities; use the flash or row kernel');
  const bindings = [q, k, v, keyMask ?? rec.gpu.placeholder, out, probs ?? rec.gpu.placeholderOutput];
  const label = `attention (${kernel} B=${B} H=${H}${Hkv === H ? '' : ` Hkv=${Hkv}`} Tq=${Tq} Tk=${Tk} D=${D}${causal ? ' causal' : ''})`;
  const constants = { WRITE_PROBS: probs ? 1 : 0 };
  if (kernel === 'row') {
    const pipeline = rec.pipeline('attention.row', reduceWgsl + commonWgsl + rowWgsl, 'main', constants);
    rec.dispatch({ label, pipeline, bindings, uniforms: uniforms.bytes(), workgroups: [Tq, H, B] });
    return;
  }
  const aligned = [D, qStride, kvStride, qCol, kCol, vCol].every((n) => n % 4 === 0);
  const headVec4s = Math.ceil(D / 4);
  if (kernel === 'split') {
    splitKeys(rec, args, { uniforms: uniforms.bytes(), bindings, label, aligned, headVec4s });
    return;
  }
  const source = (aligned ? ioVec4Wgsl : ioScalarWgsl) + commonWgsl + unrollHeadVec4s(attentionWgsl, headVec4s);
  const pipeline = rec.pipeline(`attention.flash.${aligned ? 'vec4' : 'scalar'}.d${headVec4s}`, source, 'main', constants);
  rec.dispatch({ label, pipeline, bindings, uniforms: uniforms.bytes(), workgroups: [Math.ceil(Tq / FLASH_QUERIES_PER_GROUP), H, B] });
}

/** The two passes of the split-key kernel: partial values and statistics per chunk into scratch, then their merge. */
function splitKeys(
  rec: Recorder,
  args: AttentionArgs<Tensor, Tensor>,
  prepared: { uniforms: ArrayBuffer; bindings: Tensor[]; label: string; aligned: boolean; headVec4s: number },
): void {
  const { out, B, Tq, Tk, H, D } = args;
  const chunks = Math.ceil(Tk / SPLIT_CHUNK);
  if (B * Tq > MAX_WORKGROUPS) throw new GpuError(`attention: the split-key kernel takes at most ${MAX_WORKGROUPS} queries per head (B·Tq = ${B * Tq})`);
  const values = rec.scratch([B, Tq, H, chunks, D], `${prepared.label}.partial_values`);
  const stats = rec.scratch([B, Tq, H, chunks, 2], `${prepared.label}.partial_stats`);
  const [q, k, v, keyMask] = prepared.bindings;
  const source = (prepared.aligned ? ioVec4Wgsl : ioScalarWgsl) + commonWgsl + unrollHeadVec4s(splitWgsl, prepared.headVec4s);
  const pipeline = rec.pipeline(`attention.split.${prepared.aligned ? 'vec4' : 'scalar'}.d${prepared.headVec4s}`, source, 'main', { CHUNK: SPLIT_CHUNK });
  rec.dispatch({
    label: prepared.label,
    pipeline,
    bindings: [q, k, v, keyMask, values, stats],
    uniforms: prepared.uniforms,
    workgroups: [Math.ceil(chunks / 64), H, B * Tq],
  });
  const elements = B * Tq * H * D;
  const groups = Math.ceil(elements / 64);
  const x = Math.min(groups, MAX_WORKGROUPS);
  rec.dispatch({
    label: `attention_split_combine (${chunks} chunks of ${SPLIT_CHUNK} keys)`,
    pipeline: rec.pipeline('attention.split_combine', splitCombineWgsl, 'main'),
    bindings: [values, stats, out],
    uniforms: new Uniforms().u32(B * Tq * H).u32(D).u32(chunks).bytes(),
    workgroups: [x, Math.ceil(groups / x)],
  });
}

/** Repeats each line holding `$` once per vec4 of a head (c = 0 .. ⌈D / 4⌉ - 1), `$` replaced by c (see attention.wgsl). */
export function unrollHeadVec4s(wgsl: string, headVec4s: number): string {
  return wgsl
    .split('\n')
    .flatMap((line) => (line.includes('$') ? Array.from({ length: headVec4s }, (_, c) => line.replaceAll('$', String(c))) : [line]))
    .join('\n');
}
