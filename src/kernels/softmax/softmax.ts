import { Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import { reduceWgsl } from '../reduce';
import { composeWgsl, subgroupWgsl } from '../subgroup';
import softmaxWgsl from './softmax.wgsl?raw';
import softmaxSubgroupWgsl from './softmax_subgroup.wgsl?raw';
import type { SoftmaxArgs } from './softmax.ref';

/** 'workgroup': one workgroup per row, shared-memory reductions; 'subgroup': one subgroup per row (`subgroups`). */
export type SoftmaxVariant = 'workgroup' | 'subgroup';

/** Numerically stable softmax of each row of x (rows, cols); out may not be x. Subgroup sums where the device has them. */
export function softmax(rec: Recorder, { x, out, rows, cols }: SoftmaxArgs<Tensor>, variant: SoftmaxVariant = rec.gpu.hasSubgroups ? 'subgroup' : 'workgroup'): void {
  const subgroup = variant === 'subgroup';
  rec.dispatch({
    label: `softmax (${rows}x${cols}${subgroup ? ' subgroup' : ''})`,
    pipeline: subgroup
      ? rec.pipeline('softmax.subgroup', composeWgsl(subgroupWgsl, softmaxSubgroupWgsl))
      : rec.pipeline('softmax', reduceWgsl + softmaxWgsl),
    bindings: [x, out],
    uniforms: new Uniforms().u32(rows).u32(cols).bytes(),
    workgroups: workgroupGrid(subgroup ? Math.ceil(rows / 4) : rows),
  });
}
