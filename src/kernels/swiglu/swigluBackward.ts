import { workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import { swigluUniforms } from './swiglu';
import functionsWgsl from './swiglu_functions.wgsl?raw';
import type { SwigluBackwardArgs } from './swigluBackward.ref';
import backwardWgsl from './swiglu_backward.wgsl?raw';

/** dgate and dup of out = silu(gate)·up, written (not accumulated) in the inputs' layout; dup may be dgate (fused). */
export function swigluBackward(rec: Recorder, args: SwigluBackwardArgs<Tensor>): void {
  const { dout, gate, up, dgate, dup, rows, F } = args;
  const fused = dup === dgate;
  rec.dispatch({
    label: `swiglu_backward (${rows}x${F}${fused ? ', fused gate|up' : ''})`,
    pipeline: rec.pipeline('swiglu_backward', functionsWgsl + backwardWgsl, 'main', { FUSED: fused ? 1 : 0 }),
    bindings: [dout, gate, up, dgate, fused ? rec.gpu.placeholderOutput : dup],
    uniforms: swigluUniforms(args),
    workgroups: workgroupGrid(Math.ceil((rows * F) / 256)),
  });
}
