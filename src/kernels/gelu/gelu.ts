import { Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import geluFunctionsWgsl from './gelu_functions.wgsl?raw';
import geluWgsl from './gelu.wgsl?raw';
import type { GeluArgs } from './gelu.ref';

/** out = gelu(x) elementwise; out must not be x. */
export function gelu(rec: Recorder, { x, out, n, form }: GeluArgs<Tensor>): void {
  const pipeline = rec.gpu.pipeline('gelu', geluFunctionsWgsl + geluWgsl, 'main', { FORM: form === 'erf' ? 0 : 1 });
  rec.dispatch({
    label: `gelu_${form}`,
    pipeline,
    bindings: [x, out],
    uniforms: new Uniforms().u32(n).bytes(),
    workgroups: workgroupGrid(Math.ceil(n / 256)),
  });
}
