import { Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import type { FirstTokenArgs, FirstTokenBackwardArgs } from './firstToken.ref';
import firstTokenWgsl from './first_token.wgsl?raw';

/** out (B, C) = the first row of each sequence of x (B, T, C). */
export function firstToken(rec: Recorder, { x, out, B, T, C }: FirstTokenArgs<Tensor>): void {
  rec.dispatch({
    label: 'first_token',
    pipeline: rec.pipeline('first_token', firstTokenWgsl, 'main'),
    bindings: [x, out],
    uniforms: new Uniforms().u32(B).u32(T).u32(C).bytes(),
    workgroups: workgroupGrid(Math.ceil((B * C) / 256)),
  });
}

/** dx (B, T, C) written whole: dout at each sequence's first row, zero at the others. */
export function firstTokenBackward(rec: Recorder, { dout, dx, B, T, C }: FirstTokenBackwardArgs<Tensor>): void {
  rec.dispatch({
    label: 'first_token_backward',
    pipeline: rec.pipeline('first_token', firstTokenWgsl, 'backward'),
    bindings: [dout, dx],
    uniforms: new Uniforms().u32(B).u32(T).u32(C).bytes(),
    workgroups: workgroupGrid(Math.ceil((B * T * C) / 256)),
  });
}
