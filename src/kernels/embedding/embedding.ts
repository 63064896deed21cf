import { GpuError, Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import embeddingWgsl from './embedding.wgsl?raw';
import wteF16Wgsl from './wte_f16.wgsl?raw';
import wteF32Wgsl from './wte_f32.wgsl?raw';
import type { EmbeddingArgs } from './embedding.ref';

/**
 * Token + position (+ token type) embeddings for B sequences of T tokens. wte may be f16 (shader-f16); the whole
 * table is bound, so it must fit maxStorageBufferBindingSize (f16 halves it).
 */
export function embedding(rec: Recorder, args: EmbeddingArgs<Tensor, Tensor>): void {
  const { ids, wte, wpe, typeIds, wtt, positionIds, out, B = 1, T, C, positionOffset = 0 } = args;
  if (wte.dtype === 'u32' || ids.dtype !== 'u32' || (typeIds && typeIds.dtype !== 'u32') || (positionIds && positionIds.dtype !== 'u32')) {
    throw new GpuError('embedding: ids, typeIds and positionIds must be u32 and wte f32 or f16');
  }
  if (wte.byteLength > rec.gpu.info.limits.maxStorageBufferBindingSize) {
    throw new GpuError(`embedding: '${wte.label}' is larger than this GPU's storage binding limit; load it as f16`);
  }
  const hasTypes = typeIds !== undefined && wtt !== undefined;
  const wteWgsl = wte.dtype === 'f16' ? wteF16Wgsl : wteF32Wgsl;
  const rows = B * T;
  rec.dispatch({
    label: `embedding (${rows}x${C})`,
    pipeline: rec.gpu.pipeline(`embedding.${wte.dtype}`, wteWgsl + embeddingWgsl, 'main', { HAS_TYPES: hasTypes ? 1 : 0, HAS_POSITION_IDS: positionIds ? 1 : 0 }),
    bindings: [ids, wte, wpe, hasTypes ? typeIds : rec.gpu.placeholder, hasTypes ? wtt : rec.gpu.placeholder, out, positionIds ?? rec.gpu.placeholder],
    uniforms: new Uniforms().u32(rows).u32(T).u32(C).u32(positionOffset).bytes(),
    workgroups: workgroupGrid(Math.ceil((rows * C) / 256)),
  });
}
