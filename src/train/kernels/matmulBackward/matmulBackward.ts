import { Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../../gpu';
import type { MatmulBackwardArgs } from './matmulBackward.ref';
import dbiasWgsl from './matmul_backward_dbias.wgsl?raw';
import dwWgsl from './matmul_backward_dw.wgsl?raw';
import dxWgsl from './matmul_backward_dx.wgsl?raw';

/** Records dx, dW and (with a bias) dbias of out = x·W + bias: three dispatches, each a plain reduction. */
export function matmulBackward(rec: Recorder, args: MatmulBackwardArgs<Tensor>): void {
  const { dout, x, w, dx, dw, dbias, M, N, K, wLayout, accumulate } = args;
  const LAYOUT = wLayout === 'kn' ? 0 : 1;
  rec.dispatch({
    label: `matmul_backward_dx_${wLayout}`,
    pipeline: rec.gpu.pipeline('matmul_backward_dx', dxWgsl, 'main', { LAYOUT }),
    bindings: [dout, w, dx],
    uniforms: new Uniforms().u32(M).u32(N).u32(K).u32(accumulate ? 1 : 0).bytes(),
    workgroups: workgroupGrid(Math.ceil((M * K) / 256)),
  });
  rec.dispatch({
    label: `matmul_backward_dw_${wLayout}`,
    pipeline: rec.gpu.pipeline('matmul_backward_dw', dwWgsl, 'main', { LAYOUT }),
    bindings: [dout, x, dw],
    uniforms: new Uniforms().u32(M).u32(N).u32(K).bytes(),
    workgroups: workgroupGrid(Math.ceil((N * K) / 256)),
  });
  if (dbias) {
    rec.dispatch({
      label: 'matmul_backward_dbias',
      pipeline: rec.gpu.pipeline('matmul_backward_dbias', dbiasWgsl),
      bindings: [dout, dbias],
      uniforms: new Uniforms().u32(M).u32(N).bytes(),
      workgroups: workgroupGrid(Math.ceil(N / 256)),
    });
  }
}
