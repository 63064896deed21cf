import { Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import addWgsl from './add.wgsl?raw';
import addInPlaceWgsl from './add_in_place.wgsl?raw';
import type { AddArgs } from './add.ref';

/** out = a + b elementwise. out may be a (an in-place variant runs) but not b. */
export function add(rec: Recorder, { a, b, out, n }: AddArgs<Tensor>): void {
  const inPlace = out === a;
  rec.dispatch({
    label: inPlace ? 'add_in_place' : 'add',
    pipeline: inPlace ? rec.pipeline('add_in_place', addInPlaceWgsl) : rec.pipeline('add', addWgsl),
    bindings: inPlace ? [a, b] : [a, b, out],
    uniforms: new Uniforms().u32(n).bytes(),
    workgroups: workgroupGrid(Math.ceil(n / 256)),
  });
}
