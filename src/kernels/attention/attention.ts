import { GpuError, Uniforms, type Recorder, type Tensor } from '../../gpu';
import { reduceWgsl } from '../reduce';
import attentionWgsl from './attention.wgsl?raw';
import commonWgsl from './attention_common.wgsl?raw';
import rowWgsl from './attention_row.wgsl?raw';
import ioScalarWgsl from './io_scalar.wgsl?raw';
import ioVec4Wgsl from './io_vec4.wgsl?raw';
import { kvGroup, type AttentionArgs } from './attention.ref';

export const ATTENTION_MAX_KEYS = 1024;
export const ATTENTION_MAX_HEAD_SIZE = 256;

/** Queries per workgroup of the flash kernel (one invocation each). */
const FLASH_QUERIES_PER_GROUP = 64;

/**
 * 'flash' (attention.wgsl): one invocation per query walks its keys once with an online softmax; no barrier, no
 * workgroup memory. 'row' (attention_row.wgsl): 64 invocations per query share its keys, with workgroup reductions.
 * The row kernel wins only where a few queries see many keys, i.e. decoding after a long prompt: it is picked when a
 * query has more than 64 keys per query in the dispatch (Tk > 64·Tq), so prefill, encoders, KV-cache chunks and
 * short decodes run the flash kernel.
 */
export type AttentionKernel = 'flash' | 'row';

export function attentionKernel(Tq: number, Tk: number): AttentionKernel {
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
  const kernel = options.kernel ?? attentionKernel(Tq, Tk);
  const bindings = [q, k, v, keyMask ?? rec.gpu.placeholder, out, probs ?? rec.gpu.placeholderOutput];
  const label = `attention (${kernel} B=${B} H=${H}${Hkv === H ? '' : ` Hkv=${Hkv}`} Tq=${Tq} Tk=${Tk} D=${D}${causal ? ' causal' : ''})`;
  const constants = { WRITE_PROBS: probs ? 1 : 0 };
  if (kernel === 'row') {
    const pipeline = rec.gpu.pipeline('attention.row', reduceWgsl + commonWgsl + rowWgsl, 'main', constants);
    rec.dispatch({ label, pipeline, bindings, uniforms: uniforms.bytes(), workgroups: [Tq, H, B] });
    return;
  }
  const aligned = [D, qStride, kvStride, qCol, kCol, vCol].every((n) => n % 4 === 0);
  const headVec4s = Math.ceil(D / 4);
  const source = (aligned ? ioVec4Wgsl : ioScalarWgsl) + commonWgsl + unrollHeadVec4s(attentionWgsl, headVec4s);
  const pipeline = rec.gpu.pipeline(`attention.flash.${aligned ? 'vec4' : 'scalar'}.d${headVec4s}`, source, 'main', constants);
  rec.dispatch({ label, pipeline, bindings, uniforms: uniforms.bytes(), workgroups: [Math.ceil(Tq / FLASH_QUERIES_PER_GROUP), H, B] });
}

/** Repeats each line holding `$` once per vec4 of a head (c = 0 .. ⌈D / 4⌉ - 1), `$` replaced by c (see attention.wgsl). */
export function unrollHeadVec4s(wgsl: string, headVec4s: number): string {
  return wgsl
    .split('\n')
    .flatMap((line) => (line.includes('$') ? Array.from({ length: headVec4s }, (_, c) => line.replaceAll('$', String(c))) : [line]))
    .join('\n');
}
