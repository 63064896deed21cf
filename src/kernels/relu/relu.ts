import { Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import type { ReluArgs, ReluBackwardArgs } from './relu.ref';
import reluWgsl from './relu.wgsl?raw';

export function reluForward(rec: Recorder, { x, out, n }: ReluArgs<Tensor>): void {
  rec.dispatch({
    label: 'relu',
    pipeline: rec.pipeline('relu', reluWgsl, 'main'),
    bindings: [x, out],
    uniforms: new Uniforms().u32(n).bytes(),
    workgroups: workgroupGrid(Math.ceil(n / 256)),
  });
}

/** grad ← 0 where the forward's output is not positive, in place. */
export function reluBackward(rec: Recorder, { out, grad, n }: ReluBackwardArgs<Tensor>): void {
  rec.dispatch({
    label: 'relu_backward',
    pipeline: rec.pipeline('relu', reluWgsl, 'backward'),
    bindings: [out, grad],
    uniforms: new Uniforms().u32(n).bytes(),
    workgroups: workgroupGrid(Math.ceil(n / 256)),
  });
}
