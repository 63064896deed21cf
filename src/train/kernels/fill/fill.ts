import { Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../../gpu';
import fillWgsl from './fill.wgsl?raw';

/** out[0..n) = value (n defaults to the whole tensor). */
export function fill(rec: Recorder, { out, value, n = out.numel }: { out: Tensor; value: number; n?: number }): void {
  rec.dispatch({
    label: `fill (${out.label})`,
    pipeline: rec.gpu.pipeline('fill', fillWgsl),
    bindings: [out],
    uniforms: new Uniforms().u32(n).f32(value).bytes(),
    workgroups: workgroupGrid(Math.ceil(n / 256)),
  });
}
