import { Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import { dropThreshold, hash32 } from './hash';
import type { DropoutArgs } from './dropout.ref';
import dropoutWgsl from './dropout.wgsl?raw';

/** Seeded dropout (out must not be x). Its backward pass is the same call on the gradients with the same seed. */
export function dropout(rec: Recorder, { x, out, n, p, seed }: DropoutArgs<Tensor>): void {
  rec.dispatch({
    label: `dropout (p=${p})`,
    pipeline: rec.pipeline('dropout', dropoutWgsl),
    bindings: [x, out],
    uniforms: new Uniforms().u32(n).u32(dropThreshold(p)).u32(hash32(seed)).f32(1 / (1 - p)).bytes(),
    workgroups: workgroupGrid(Math.ceil(n / 256)),
  });
}
