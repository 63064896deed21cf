import { Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import squaresWgsl from './grad_squares.wgsl?raw';
import totalWgsl from './grad_norm_total.wgsl?raw';

/** Elements per partial sum (CHUNK in grad_squares.wgsl). */
const GRAD_NORM_CHUNK = 4096;

export interface GradNormArgs {
  grads: readonly Tensor[]; // every parameter's gradient
  partials: Tensor; // (gradNormSlots(grads)) scratch: sums of squares per chunk of each tensor
  norm: Tensor; // (1) √(Σ g²) over all of them
}

/** The scratch partial sums gradNorm needs for these gradients: one per 4096 elements of each tensor. */
export function gradNormSlots(grads: readonly { numel: number }[]): number {
  return grads.reduce((sum, grad) => sum + Math.max(1, Math.ceil(grad.numel / GRAD_NORM_CHUNK)), 0);
}

/** The global L2 norm of all gradients: one dispatch per tensor (an invocation per chunk), then one that adds them up in a fixed order. */
export function gradNorm(rec: Recorder, { grads, partials, norm }: GradNormArgs): void {
  const slots = gradNormSlots(grads);
  if (partials.numel < slots) throw new Error(`gradNorm: partials has ${partials.numel} slots, these gradients need ${slots}`);
  let slotBase = 0;
  for (const grad of grads) {
    const chunks = Math.max(1, Math.ceil(grad.numel / GRAD_NORM_CHUNK));
    rec.dispatch({
      label: `grad_squares (${grad.label})`,
      pipeline: rec.pipeline('grad_squares', squaresWgsl),
      bindings: [grad, partials],
      uniforms: new Uniforms().u32(grad.numel).u32(slotBase).bytes(),
      workgroups: workgroupGrid(Math.ceil(chunks / 64)),
    });
    slotBase += chunks;
  }
  rec.dispatch({
    label: 'grad_norm_total',
    pipeline: rec.pipeline('grad_norm_total', totalWgsl),
    bindings: [partials, norm],
    uniforms: new Uniforms().u32(slots).bytes(),
    workgroups: [1],
  });
}
