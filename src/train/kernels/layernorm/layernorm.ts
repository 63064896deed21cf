import { Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../../gpu';
import { layernormCommonWgsl } from '../../../kernels/layernorm/layernorm';
import type { LayernormBackwardArgs, LayernormForwardArgs } from './layernorm.ref';
import backwardDxWgsl from './layernorm_backward_dx.wgsl?raw';
import backwardParamsWgsl from './layernorm_backward_params.wgsl?raw';
import forwardWgsl from './layernorm_forward.wgsl?raw';

/** The training forward: the inference LayerNorm plus each row's mean and rstd. One invocation per row. */
export function layernormForward(rec: Recorder, { x, gamma, beta, out, mean, rstd, rows, C, eps }: LayernormForwardArgs<Tensor>): void {
  rec.dispatch({
    label: 'layernorm_forward',
    pipeline: rec.gpu.pipeline('layernorm_forward', layernormCommonWgsl + forwardWgsl),
    bindings: [x, gamma, beta, out, mean, rstd],
    uniforms: new Uniforms().u32(rows).u32(C).f32(eps).bytes(),
    workgroups: workgroupGrid(Math.ceil(rows / 64)),
  });
}

/** dx (one invocation per row), then dgamma and dbeta (one invocation per channel). */
export function layernormBackward(rec: Recorder, args: LayernormBackwardArgs<Tensor>): void {
  const { dout, x, mean, rstd, gamma, dx, dgamma, dbeta, rows, C, accumulate } = args;
  rec.dispatch({
    label: 'layernorm_backward_dx',
    pipeline: rec.gpu.pipeline('layernorm_backward_dx', backwardDxWgsl),
    bindings: [dout, x, mean, rstd, gamma, dx],
    uniforms: new Uniforms().u32(rows).u32(C).u32(accumulate ? 1 : 0).bytes(),
    workgroups: workgroupGrid(Math.ceil(rows / 64)),
  });
  rec.dispatch({
    label: 'layernorm_backward_params',
    pipeline: rec.gpu.pipeline('layernorm_backward_params', backwardParamsWgsl),
    bindings: [dout, x, mean, rstd, dgamma, dbeta],
    uniforms: new Uniforms().u32(rows).u32(C).bytes(),
    workgroups: workgroupGrid(Math.ceil(C / 256)),
  });
}
