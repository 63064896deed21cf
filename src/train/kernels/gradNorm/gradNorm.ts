import { Uniforms, type Recorder, type Tensor } from '../../../gpu';
import squaresWgsl from './grad_squares.wgsl?raw';
import totalWgsl from './grad_norm_total.wgsl?raw';

export interface GradNormArgs {
  grads: readonly Tensor[]; // every parameter's gradient
  partials: Tensor; // (grads.length) scratch: each tensor's sum of squares
  norm: Tensor; // (1) √(Σ g²) over all of them
}

/** The global L2 norm of all gradients: one dispatch per tensor, then one that adds them up in a fixed order. */
export function gradNorm(rec: Recorder, { grads, partials, norm }: GradNormArgs): void {
  grads.forEach((grad, slot) =>
    rec.dispatch({
      label: `grad_squares (${grad.label})`,
      pipeline: rec.gpu.pipeline('grad_squares', squaresWgsl),
      bindings: [grad, partials],
      uniforms: new Uniforms().u32(grad.numel).u32(slot).bytes(),
      workgroups: [1],
    }),
  );
  rec.dispatch({
    label: 'grad_norm_total',
    pipeline: rec.gpu.pipeline('grad_norm_total', totalWgsl),
    bindings: [partials, norm],
    uniforms: new Uniforms().u32(grads.length).bytes(),
    workgroups: [1],
  });
}
