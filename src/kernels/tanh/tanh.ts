import { Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import type { TanhArgs, TanhBackwardArgs } from './tanh.ref';
import tanhWgsl from './tanh.wgsl?raw';

export function tanhForward(rec: Recorder, { x, out, n }: TanhArgs<Tensor>): void {
  rec.dispatch({
    label: 'tanh',
    pipeline: rec.pipeline('tanh', tanhWgsl, 'main'),
    bindings: [x, out],
    uniforms: new Uniforms().u32(n).bytes(),
    workgroups: workgroupGrid(Math.ceil(n / 256)),
  });
}

/** grad ← grad·(1 - out²) in place, from the forward's output. */
export function tanhBackward(rec: Recorder, { out, grad, n }: TanhBackwardArgs<Tensor>): void {
  rec.dispatch({
    label: 'tanh_backward',
    pipeline: rec.pipeline('tanh', tanhWgsl, 'backward'),
    bindings: [out, grad],
    uniforms: new Uniforms().u32(n).bytes(),
    workgroups: workgroupGrid(Math.ceil(n / 256)),
  });
}
