import { Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import geluFunctionsWgsl from './gelu_functions.wgsl?raw';
import type { GeluBackwardArgs } from './geluBackward.ref';
import geluBackwardWgsl from './gelu_backward.wgsl?raw';

/** grad ← grad · gelu'(x) elementwise, in place; x is the pre-activation the forward pass kept. */
export function geluBackward(rec: Recorder, { x, grad, n, form }: GeluBackwardArgs<Tensor>): void {
  rec.dispatch({
    label: `gelu_backward_${form}`,
    pipeline: rec.pipeline('gelu_backward', geluFunctionsWgsl + geluBackwardWgsl, 'main', { FORM: form === 'erf' ? 0 : 1 }),
    bindings: [x, grad],
    uniforms: new Uniforms().u32(n).bytes(),
    workgroups: workgroupGrid(Math.ceil(n / 256)),
  });
}
