import { Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import { reduceWgsl } from '../reduce';
import { composeWgsl, subgroupWgsl } from '../subgroup';
import commonWgsl from './layernorm_common.wgsl?raw';
import layernormWgsl from './layernorm.wgsl?raw';
import layernormSubgroupWgsl from './layernorm_subgroup.wgsl?raw';
import forwardWithStatsWgsl from './layernorm_forward.wgsl?raw';
import type { LayernormArgs } from './layernorm.ref';

/**
 * 'serial': one invocation per row, no barriers (software adapters); 'subgroup': one subgroup per row with subgroup
 * sums (devices with `subgroups`); 'workgroup': one workgroup per row, shared-memory reductions.
 */
export type LayernormVariant = 'serial' | 'subgroup' | 'workgroup';

function defaultVariant(rec: Recorder): LayernormVariant {
  if (rec.gpu.info.isSoftwareAdapter) return 'serial';
  return rec.gpu.hasSubgroups ? 'subgroup' : 'workgroup';
}

/** Row-wise layer normalization of x (rows, C); out must not be x. The variant follows the device unless forced. */
export function layernorm(rec: Recorder, args: LayernormArgs<Tensor>, variant: LayernormVariant = defaultVariant(rec)): void {
  const { x, gamma, beta, out, mean, rstd, rows, C, eps } = args;
  if (mean || rstd) {
    // Training's forward: also each row's mean and rstd for the backward pass. One invocation per row.
    if (!mean || !rstd) throw new Error('layernorm: mean and rstd are saved together');
    rec.dispatch({
      label: 'layernorm_forward',
      pipeline: rec.pipeline('layernorm_forward', commonWgsl + forwardWithStatsWgsl),
      bindings: [x, gamma, beta, out, mean, rstd],
      uniforms: new Uniforms().u32(rows).u32(C).f32(eps).bytes(),
      workgroups: workgroupGrid(Math.ceil(rows / 64)),
    });
    return;
  }
  const uniforms = new Uniforms().u32(rows).u32(C).f32(eps).bytes();
  const label = `layernorm (${rows}x${C} ${variant})`;
  if (variant === 'subgroup') {
    const pipeline = rec.pipeline('layernorm.subgroup', composeWgsl(subgroupWgsl, commonWgsl, layernormSubgroupWgsl));
    rec.dispatch({ label, pipeline, bindings: [x, gamma, beta, out], uniforms, workgroups: workgroupGrid(Math.ceil(rows / 4)) });
    return;
  }
  const serial = variant === 'serial';
  rec.dispatch({
    label,
    pipeline: rec.pipeline('layernorm', reduceWgsl + commonWgsl + layernormWgsl, serial ? 'rows_serial' : 'main'),
    bindings: [x, gamma, beta, out],
    uniforms,
    workgroups: workgroupGrid(serial ? Math.ceil(rows / 64) : rows),
  });
}
