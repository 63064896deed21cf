import { Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import geluFunctionsWgsl from './gelu_functions.wgsl?raw';
import geluWgsl from './gelu.wgsl?raw';
import type { GeluArgs } from './gelu.ref';

/** erf_approx, gelu_erf and gelu_tanh in WGSL, for kernels that fuse a GELU (matmul epilogue, GELU backward). */
export { geluFunctionsWgsl };

/** out = gelu(x) elementwise; out must not be x. */
export function gelu(rec: Recorder, { x, out, n, form }: GeluArgs<Tensor>): void {
  const pipeline = rec.pipeline('gelu', geluFunctionsWgsl + geluWgsl, 'main', { FORM: form === 'erf' ? 0 : 1 });
  rec.dispatch({
    label: `gelu_${form}`,
    pipeline,
    bindings: [x, out],
    uniforms: new Uniforms().u32(n).bytes(),
    workgroups: workgroupGrid(Math.ceil(n / 256)),
  });
}
