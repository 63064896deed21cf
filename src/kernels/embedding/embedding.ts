import { GpuError, Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import embeddingWgsl from './embedding.wgsl?raw';
import wteF16Wgsl from './wte_f16.wgsl?raw';
import wteF32Wgsl from './wte_f32.wgsl?raw';
import wtePackedWgsl from './wte_packed.wgsl?raw';
import packedWeightsWgsl from '../matmul/packed_weights.wgsl?raw';
import { packedInfo, W_FORMAT_CODE } from '../matmul/packed';
import type { EmbeddingArgs } from './embedding.ref';

/**
 * Token + position (+ token type) embeddings for B sequences of T tokens. wte may be f16 (shader-f16) or packed
 * (kernels/matmul/packed.ts: a (V, C) table, as a packed tied LM head is); the whole table is bound, so it must fit
 * maxStorageBufferBindingSize (f16 halves it).
 */
export function embedding(rec: Recorder, args: EmbeddingArgs<Tensor, Tensor>): void {
  const { ids, wte, wpe, typeIds, wtt, positionIds, out, B = 1, T, C, positionOffset = 0 } = args;
  const packed = packedInfo(wte);
  if (packed && packed.K !== C) throw new GpuError(`embedding: '${wte.label}' is a packed table of rows of ${packed.K}, not ${C}`);
  if ((wte.dtype === 'u32' && !packed) || ids.dtype !== 'u32' || (typeIds && typeIds.dtype !== 'u32') || (positionIds && positionIds.dtype !== 'u32')) {
    throw new GpuError('embedding: ids, typeIds and positionIds must be u32 and wte f32 or f16');
  }
  if (wte.byteLength > rec.gpu.info.limits.maxStorageBufferBindingSize) {
    throw new GpuError(`embedding: '${wte.label}' is larger than this GPU's storage binding limit; load it as f16`);
  }
  const hasTypes = typeIds !== undefined && wtt !== undefined;
  const wteWgsl = packed ? packedWeightsWgsl + wtePackedWgsl : wte.dtype === 'f16' ? wteF16Wgsl : wteF32Wgsl;
  const constants: Record<string, number> = { HAS_TYPES: hasTypes ? 1 : 0, HAS_POSITION_IDS: positionIds ? 1 : 0 };
  if (packed) constants.W_FORMAT = W_FORMAT_CODE[packed.format];
  const rows = B * T;
  rec.dispatch({
    label: `embedding (${rows}x${C})`,
    pipeline: rec.pipeline(`embedding.${packed ? 'packed' : wte.dtype}`, wteWgsl + embeddingWgsl, 'main', constants),
    bindings: [ids, wte, wpe, hasTypes ? typeIds : rec.gpu.placeholder, hasTypes ? wtt : rec.gpu.placeholder, out, positionIds ?? rec.gpu.placeholder],
    uniforms: new Uniforms().u32(rows).u32(T).u32(C).u32(positionOffset).u32(packed?.scalesOffset ?? 0).bytes(),
    workgroups: workgroupGrid(Math.ceil((rows * C) / 256)),
  });
}
