import { Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import type { LayernormBackwardArgs } from './layernormBackward.ref';
import backwardDxWgsl from './layernorm_backward_dx.wgsl?raw';
import backwardParamsWgsl from './layernorm_backward_params.wgsl?raw';

/** dx (one invocation per row), then dgamma and dbeta (one invocation per channel). */
export function layernormBackward(rec: Recorder, args: LayernormBackwardArgs<Tensor>): void {
  const { dout, x, mean, rstd, gamma, dx, dgamma, dbeta, rows, C, accumulate } = args;
  rec.dispatch({
    label: 'layernorm_backward_dx',
    pipeline: rec.pipeline('layernorm_backward_dx', backwardDxWgsl),
    bindings: [dout, x, mean, rstd, gamma, dx],
    uniforms: new Uniforms().u32(rows).u32(C).u32(accumulate ? 1 : 0).bytes(),
    workgroups: workgroupGrid(Math.ceil(rows / 64)),
  });
  rec.dispatch({
    label: 'layernorm_backward_params',
    pipeline: rec.pipeline('layernorm_backward_params', backwardParamsWgsl),
    bindings: [dout, x, mean, rstd, dgamma, dbeta],
    uniforms: new Uniforms().u32(rows).u32(C).bytes(),
    workgroups: workgroupGrid(Math.ceil(C / 256)),
  });
}
