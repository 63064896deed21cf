import { Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import type { CrossEntropyArgs } from './crossEntropy.ref';
import crossEntropyWgsl from './cross_entropy.wgsl?raw';

/**
 * Loss and gradient in one pass, the gradient written over the logits (read them earlier in the recording if they
 * are wanted). Serves the LM head (B·T rows of V) and the classifier (B rows of numLabels) alike.
 */
export function crossEntropy(rec: Recorder, { logits, targets, losses, rows, V, scale }: CrossEntropyArgs<Tensor, Tensor>): void {
  rec.dispatch({
    label: 'cross_entropy',
    pipeline: rec.pipeline('cross_entropy', crossEntropyWgsl),
    bindings: [logits, targets, losses],
    uniforms: new Uniforms().u32(rows).u32(V).f32(scale).bytes(),
    workgroups: workgroupGrid(rows),
  });
}
