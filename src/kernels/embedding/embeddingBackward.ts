import { Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import type { EmbeddingBackwardArgs } from './embeddingBackward.ref';
import positionsWgsl from './embedding_backward_positions.wgsl?raw';
import rowsWgsl from './embedding_backward_rows.wgsl?raw';

/**
 * Token (and token type) scatter-adds and the position sum, or the positions' scatter-add when they are explicit;
 * deterministic, so resumed runs reproduce losses.
 */
export function embeddingBackward(rec: Recorder, args: EmbeddingBackwardArgs<Tensor, Tensor>): void {
  const { dout, ids, dwte, dwpe, positionIds, typeIds, dwtt, B, T, C } = args;
  const scatter = (indices: Tensor, table: Tensor, label: string) =>
    rec.dispatch({
      label,
      pipeline: rec.pipeline('embedding_backward_rows', rowsWgsl),
      bindings: [dout, indices, table],
      uniforms: new Uniforms().u32(B * T).u32(C).bytes(),
      workgroups: workgroupGrid(Math.ceil((B * T) / 64)),
    });
  scatter(ids, dwte, 'embedding_backward_tokens');
  if (typeIds && dwtt) scatter(typeIds, dwtt, 'embedding_backward_token_types');
  if (dwpe && positionIds) {
    scatter(positionIds, dwpe, 'embedding_backward_position_ids');
  } else if (dwpe) {
    rec.dispatch({
      label: 'embedding_backward_positions',
      pipeline: rec.pipeline('embedding_backward_positions', positionsWgsl),
      bindings: [dout, dwpe],
      uniforms: new Uniforms().u32(B).u32(T).u32(C).bytes(),
      workgroups: workgroupGrid(Math.ceil((T * C) / 256)),
    });
  }
}
