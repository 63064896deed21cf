import { Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import type { AttentionBackwardArgs } from './attentionBackward.ref';
import qkvWgsl from './attention_backward_qkv.wgsl?raw';
import scoresWgsl from './attention_backward_scores.wgsl?raw';

/**
 * All heads of all sequences in two dispatches: score gradients (one invocation per query row), then dqkv (four d
 * each). The queries are the first Tq rows of each sequence (all of them by default).
 */
export function attentionBackward(rec: Recorder, { dout, qkv, probs, dscores, dqkv, B, T, H, D, Tq = T }: AttentionBackwardArgs<Tensor>): void {
  rec.dispatch({
    label: 'attention_backward_scores',
    pipeline: rec.gpu.pipeline('attention_backward_scores', scoresWgsl),
    bindings: [dout, qkv, probs, dscores],
    uniforms: new Uniforms().u32(B).u32(T).u32(H).u32(D).f32(1 / Math.sqrt(D)).u32(Tq).bytes(),
    workgroups: workgroupGrid(Math.ceil((B * H * Tq) / 64)),
  });
  rec.dispatch({
    label: 'attention_backward_qkv',
    pipeline: rec.gpu.pipeline('attention_backward_qkv', qkvWgsl),
    bindings: [dout, qkv, probs, dscores, dqkv],
    uniforms: new Uniforms().u32(B).u32(T).u32(H).u32(D).u32(Tq).bytes(),
    workgroups: workgroupGrid(Math.ceil((B * T * 3 * H * Math.ceil(D / 4)) / 64)),
  });
}
