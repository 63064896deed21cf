import { Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import { reduceWgsl } from '../reduce';
import softmaxWgsl from './softmax.wgsl?raw';
import type { SoftmaxArgs } from './softmax.ref';

/** Numerically stable softmax of each row of x (rows, cols); out may not be x. */
export function softmax(rec: Recorder, { x, out, rows, cols }: SoftmaxArgs<Tensor>): void {
  rec.dispatch({
    label: `softmax (${rows}x${cols})`,
    pipeline: rec.gpu.pipeline('softmax', reduceWgsl + softmaxWgsl),
    bindings: [x, out],
    uniforms: new Uniforms().u32(rows).u32(cols).bytes(),
    workgroups: workgroupGrid(rows),
  });
}
