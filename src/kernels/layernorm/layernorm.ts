import { Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import { reduceWgsl } from '../reduce';
import commonWgsl from './layernorm_common.wgsl?raw';
import layernormWgsl from './layernorm.wgsl?raw';
import forwardWithStatsWgsl from './layernorm_forward.wgsl?raw';
import type { LayernormArgs } from './layernorm.ref';

/**
 * Row-wise layer normalization of x (rows, C); out must not be x. One workgroup per row, or on a software adapter
 * (or with `serial`) one invocation per row and no barriers.
 */
export function layernorm(rec: Recorder, args: LayernormArgs<Tensor>, serial = rec.gpu.info.isSoftwareAdapter): void {
  const { x, gamma, beta, out, mean, rstd, rows, C, eps } = args;
  if (mean || rstd) {
    // Training's forward: also each row's mean and rstd for the backward pass. One invocation per row.
    if (!mean || !rstd) throw new Error('layernorm: mean and rstd are saved together');
    rec.dispatch({
      label: 'layernorm_forward',
      pipeline: rec.gpu.pipeline('layernorm_forward', commonWgsl + forwardWithStatsWgsl),
      bindings: [x, gamma, beta, out, mean, rstd],
      uniforms: new Uniforms().u32(rows).u32(C).f32(eps).bytes(),
      workgroups: workgroupGrid(Math.ceil(rows / 64)),
    });
    return;
  }
  rec.dispatch({
    label: `layernorm (${rows}x${C})`,
    pipeline: rec.gpu.pipeline('layernorm', reduceWgsl + commonWgsl + layernormWgsl, serial ? 'rows_serial' : 'main'),
    bindings: [x, gamma, beta, out],
    uniforms: new Uniforms().u32(rows).u32(C).f32(eps).bytes(),
    workgroups: workgroupGrid(serial ? Math.ceil(rows / 64) : rows),
  });
}
