import { Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import { kvGroup } from './attention.ref';
import type { AttentionBackwardArgs } from './attentionBackward.ref';
import qkvWgsl from './attention_backward_qkv.wgsl?raw';
import scoresWgsl from './attention_backward_scores.wgsl?raw';

/**
 * All heads of all sequences in two dispatches: score gradients (one invocation per query row), then dqkv (four d
 * each, over the H + 2·Hkv head columns of a row). The queries are the first Tq rows of each sequence (all of them by
 * default).
 */
export function attentionBackward(rec: Recorder, args: AttentionBackwardArgs<Tensor>): void {
  const { dout, qkv, probs, dscores, dqkv, B, T, H, Hkv = H, D, Tq = T } = args;
  kvGroup(H, Hkv); // throws unless Hkv divides H
  rec.dispatch({
    label: 'attention_backward_scores',
    pipeline: rec.pipeline('attention_backward_scores', scoresWgsl),
    bindings: [dout, qkv, probs, dscores],
    uniforms: new Uniforms().u32(B).u32(T).u32(H).u32(D).f32(1 / Math.sqrt(D)).u32(Tq).u32(Hkv).bytes(),
    workgroups: workgroupGrid(Math.ceil((B * H * Tq) / 64)),
  });
  rec.dispatch({
    label: 'attention_backward_qkv',
    pipeline: rec.pipeline('attention_backward_qkv', qkvWgsl),
    bindings: [dout, qkv, probs, dscores, dqkv],
    uniforms: new Uniforms().u32(B).u32(T).u32(H).u32(D).u32(Tq).u32(Hkv).bytes(),
    workgroups: workgroupGrid(Math.ceil((B * T * (H + 2 * Hkv) * Math.ceil(D / 4)) / 64)),
  });
}
