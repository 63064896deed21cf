import { Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import { blockedMatmul } from './blocked';
import type { MatmulBackwardArgs } from './matmulBackward.ref';
import dbiasWgsl from './matmul_backward_dbias.wgsl?raw';
import dwWgsl from './matmul_backward_dw.wgsl?raw';
import dxWgsl from './matmul_backward_dx.wgsl?raw';

/**
 * Records dx, dW and (with a bias) dbias of out = x·W + bias. When the rows written are whole quads (K a multiple of
 * 4, and N too for 'kn') dx and dW are blocked products (src/kernels/matmul/blocked.ts: 4×4 outputs per
 * invocation, vec4 loads when N is a multiple of 4 as well, scalar loads otherwise, as for a vocabulary); other
 * shapes take one plain reduction per output element.
 */
export function matmulBackward(rec: Recorder, args: MatmulBackwardArgs<Tensor>): void {
  const { dout, x, w, dx, dw, dbias, M, N, K, wLayout, accumulate } = args;
  if (K % 4 === 0 && (wLayout === 'nk' || N % 4 === 0)) {
    const label = (name: string) => `matmul_backward_${name}_${wLayout} (${M}x${K}x${N})`;
    if (wLayout === 'nk') {
      // dx = dout (M, N) · W (N, K); dW (N, K) += doutᵀ · x
      blockedMatmul(rec, { a: dout, b: w, out: dx, P: M, Q: K, R: N, aT: false, bT: false, accumulate, label: label('dx') });
      blockedMatmul(rec, { a: dout, b: x, out: dw, P: N, Q: K, R: M, aT: true, bT: false, accumulate: true, label: label('dw') });
    } else {
      // dx = dout · Wᵀ with W (K, N); dW (K, N) += xᵀ · dout
      blockedMatmul(rec, { a: dout, b: w, out: dx, P: M, Q: K, R: N, aT: false, bT: true, accumulate, label: label('dx') });
      blockedMatmul(rec, { a: x, b: dout, out: dw, P: K, Q: N, R: M, aT: true, bT: false, accumulate: true, label: label('dw') });
    }
  } else {
    const LAYOUT = wLayout === 'kn' ? 0 : 1;
    rec.dispatch({
      label: `matmul_backward_dx_${wLayout}`,
      pipeline: rec.pipeline('matmul_backward_dx', dxWgsl, 'main', { LAYOUT }),
      bindings: [dout, w, dx],
      uniforms: new Uniforms().u32(M).u32(N).u32(K).u32(accumulate ? 1 : 0).bytes(),
      workgroups: workgroupGrid(Math.ceil((M * K) / 256)),
    });
    rec.dispatch({
      label: `matmul_backward_dw_${wLayout}`,
      pipeline: rec.pipeline('matmul_backward_dw', dwWgsl, 'main', { LAYOUT }),
      bindings: [dout, x, dw],
      uniforms: new Uniforms().u32(M).u32(N).u32(K).bytes(),
      workgroups: workgroupGrid(Math.ceil((N * K) / 256)),
    });
  }
  if (dbias) {
    rec.dispatch({
      label: 'matmul_backward_dbias',
      pipeline: rec.pipeline('matmul_backward_dbias', dbiasWgsl),
      bindings: [dout, dbias],
      uniforms: new Uniforms().u32(M).u32(N).bytes(),
      workgroups: workgroupGrid(Math.ceil(N / 256)),
    });
  }
}
