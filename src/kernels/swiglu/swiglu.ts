import { Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import type { SwigluArgs, SwigluLayout } from './swiglu.ref';
import functionsWgsl from './swiglu_functions.wgsl?raw';
import swigluWgsl from './swiglu.wgsl?raw';

/** The parameters the SwiGLU kernels share (swiglu_functions.wgsl's Params). */
export function swigluUniforms({ rows, F, inStride = F, gateCol = 0, upCol = 0 }: SwigluLayout): ArrayBuffer {
  return new Uniforms().u32(rows).u32(F).u32(inStride).u32(gateCol).u32(upCol).bytes();
}

/** out = silu(gate)·up elementwise (see SwigluLayout: two buffers or one fused gate|up buffer); out is neither input. */
export function swiglu(rec: Recorder, args: SwigluArgs<Tensor>): void {
  const { gate, up, out, rows, F } = args;
  rec.dispatch({
    label: `swiglu (${rows}x${F}${gate === up ? ', fused gate|up' : ''})`,
    pipeline: rec.pipeline('swiglu', functionsWgsl + swigluWgsl),
    bindings: [gate, up, out],
    uniforms: swigluUniforms(args),
    workgroups: workgroupGrid(Math.ceil((rows * F) / 256)),
  });
}
