import { GpuError, Uniforms, type Recorder, type Tensor } from '../../gpu';
import { reduceWgsl } from '../reduce';
import attentionWgsl from './attention.wgsl?raw';
import type { AttentionArgs } from './attention.ref';

export const ATTENTION_MAX_KEYS = 1024;
export const ATTENTION_MAX_HEAD_SIZE = 256;

/**
 * Scaled dot-product attention for all batches, heads and queries in one dispatch (see AttentionArgs for the
 * layouts: q, k and v may be one packed (B·T, 3C) tensor, or k and v a KV cache). Tk <= 1024, D <= 256.
 * The probabilities are written only when `probs` is given (a pipeline variant).
 */
export function attention(rec: Recorder, args: AttentionArgs<Tensor, Tensor>): void {
  const { q, k, v, out, probs, B, Tq, Tk, H, D, causal, keyMask } = args;
  const { qOffset = 0, qStride = H * D, kvStride = H * D, qCol = 0, kCol = 0, vCol = 0, kvRowsPerBatch = Tk } = args;
  if (Tk > ATTENTION_MAX_KEYS || D > ATTENTION_MAX_HEAD_SIZE) {
    throw new GpuError(`attention: Tk=${Tk} and D=${D} must be at most ${ATTENTION_MAX_KEYS} and ${ATTENTION_MAX_HEAD_SIZE}`);
  }
  if (keyMask && keyMask.dtype !== 'u32') throw new GpuError('attention: keyMask must be u32');
  const uniforms = new Uniforms()
    .u32(Tq).u32(Tk).u32(H).u32(D)
    .u32(qStride).u32(kvStride).u32(qCol).u32(kCol).u32(vCol).u32(kvRowsPerBatch)
    .u32(qOffset).u32(causal ? 1 : 0).u32(keyMask ? 1 : 0).f32(1 / Math.sqrt(D));
  rec.dispatch({
    label: `attention (B=${B} H=${H} Tq=${Tq} Tk=${Tk} D=${D}${causal ? ' causal' : ''})`,
    pipeline: rec.gpu.pipeline('attention', reduceWgsl + attentionWgsl, 'main', { WRITE_PROBS: probs ? 1 : 0 }),
    bindings: [q, k, v, keyMask ?? rec.gpu.placeholder, out, probs ?? rec.gpu.placeholderOutput],
    uniforms: uniforms.bytes(),
    workgroups: [Tq, H, B],
  });
}
