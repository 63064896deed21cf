import { Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import { reduceWgsl } from '../reduce';
import commonWgsl from './layernorm_common.wgsl?raw';
import layernormWgsl from './layernorm.wgsl?raw';
import type { LayernormArgs } from './layernorm.ref';

export { commonWgsl as layernormCommonWgsl };

/**
 * Row-wise layer normalization of x (rows, C); out must not be x. One workgroup per row, or on a software adapter
 * (or with `serial`) one invocation per row and no barriers.
 */
export function layernorm(rec: Recorder, { x, gamma, beta, out, rows, C, eps }: LayernormArgs<Tensor>, serial = rec.gpu.info.isSoftwareAdapter): void {
  rec.dispatch({
    label: `layernorm (${rows}x${C})`,
    pipeline: rec.gpu.pipeline('layernorm', reduceWgsl + commonWgsl + layernormWgsl, serial ? 'rows_serial' : 'main'),
    bindings: [x, gamma, beta, out],
    uniforms: new Uniforms().u32(rows).u32(C).f32(eps).bytes(),
    workgroups: workgroupGrid(serial ? Math.ceil(rows / 64) : rows),
  });
}
