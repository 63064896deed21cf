import { Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import type { RmsnormBackwardArgs } from './rmsnormBackward.ref';
import backwardDxWgsl from './rmsnorm_backward_dx.wgsl?raw';
import backwardWeightWgsl from './rmsnorm_backward_weight.wgsl?raw';

/** dx (one invocation per row), then dweight (one invocation per channel, accumulated). */
export function rmsnormBackward(rec: Recorder, args: RmsnormBackwardArgs<Tensor>): void {
  const { dout, x, rstd, weight, dx, dweight, rows, C, accumulate } = args;
  rec.dispatch({
    label: 'rmsnorm_backward_dx',
    pipeline: rec.pipeline('rmsnorm_backward_dx', backwardDxWgsl),
    bindings: [dout, x, rstd, weight, dx],
    uniforms: new Uniforms().u32(rows).u32(C).u32(accumulate ? 1 : 0).bytes(),
    workgroups: workgroupGrid(Math.ceil(rows / 64)),
  });
  rec.dispatch({
    label: 'rmsnorm_backward_weight',
    pipeline: rec.pipeline('rmsnorm_backward_weight', backwardWeightWgsl),
    bindings: [dout, x, rstd, dweight],
    uniforms: new Uniforms().u32(rows).u32(C).bytes(),
    workgroups: workgroupGrid(Math.ceil(C / 256)),
  });
}
