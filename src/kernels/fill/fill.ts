import { Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import fillWgsl from './fill.wgsl?raw';

/** out[0..n) = value (n defaults to the whole tensor); in quads when n is a multiple of 4. */
export function fill(rec: Recorder, { out, value, n = out.numel }: { out: Tensor; value: number; n?: number }): void {
  const quads = n % 4 === 0;
  const count = quads ? n / 4 : n;
  rec.dispatch({
    label: `fill (${out.label})`,
    pipeline: rec.pipeline(`fill.${quads ? 'vec4' : 'f32'}`, `alias item = ${quads ? 'vec4<f32>' : 'f32'};\n${fillWgsl}`),
    bindings: [out],
    uniforms: new Uniforms().u32(count).f32(value).bytes(),
    workgroups: workgroupGrid(Math.ceil(count / 256)),
  });
}
