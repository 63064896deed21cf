import { Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import { reduceWgsl } from '../reduce';
import layernormWgsl from './layernorm.wgsl?raw';
import type { LayernormArgs } from './layernorm.ref';

/** Row-wise layer normalization of x (rows, C); out must not be x. */
export function layernorm(rec: Recorder, { x, gamma, beta, out, rows, C, eps }: LayernormArgs<Tensor>): void {
  rec.dispatch({
    label: `layernorm (${rows}x${C})`,
    pipeline: rec.gpu.pipeline('layernorm', reduceWgsl + layernormWgsl),
    bindings: [x, gamma, beta, out],
    uniforms: new Uniforms().u32(rows).u32(C).f32(eps).bytes(),
    workgroups: workgroupGrid(rows),
  });
}
