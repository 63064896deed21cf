import { Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import type { AdamwHyperparameters } from './adamw.ref';
import adamwWgsl from './adamw.wgsl?raw';

export interface AdamwDispatchArgs extends AdamwHyperparameters {
  param: Tensor;
  grad: Tensor;
  m: Tensor;
  v: Tensor;
  n: number;
  step: number; // 1 on the first update
  /** The (1) global gradient norm, and the clipping threshold; maxNorm 0 turns clipping off (norm unread). */
  norm: Tensor;
  maxNorm: number;
}

/**
 * Updates one parameter tensor and its moments in place, in quads when n is a multiple of 4; the bias corrections
 * are computed here in float64.
 */
export function adamw(rec: Recorder, args: AdamwDispatchArgs): void {
  const { param, grad, m, v, n, step, norm, maxNorm, lr, beta1, beta2, eps, weightDecay } = args;
  const quads = n % 4 === 0;
  const count = quads ? n / 4 : n;
  const uniforms = new Uniforms()
    .u32(count).u32(maxNorm > 0 ? 1 : 0).f32(maxNorm)
    .f32(lr).f32(beta1).f32(beta2).f32(eps).f32(weightDecay)
    .f32(lr / (1 - beta1 ** step)).f32(Math.sqrt(1 - beta2 ** step));
  rec.dispatch({
    label: `adamw (${param.label})`,
    pipeline: rec.pipeline(`adamw.${quads ? 'vec4' : 'f32'}`, `alias item = ${quads ? 'vec4<f32>' : 'f32'};\n${adamwWgsl}`),
    bindings: [param, grad, m, v, norm],
    uniforms: uniforms.bytes(),
    workgroups: workgroupGrid(Math.ceil(count / 256)),
  });
}
