import { Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import { reduceWgsl } from '../reduce';
import rmsnormWgsl from './rmsnorm.wgsl?raw';
import type { RmsnormArgs } from './rmsnorm.ref';

/**
 * Row-wise RMS normalization of x (rows, C); out must not be x. With `rstd` (training) each row's 1 / RMS is saved
 * too. One workgroup per row, or on a software adapter (or with `serial`) one invocation per row and no barriers.
 */
export function rmsnorm(rec: Recorder, args: RmsnormArgs<Tensor>, serial = rec.gpu.info.isSoftwareAdapter): void {
  const { x, weight, out, rstd, rows, C, eps } = args;
  rec.dispatch({
    label: `rmsnorm (${rows}x${C}${rstd ? ', saving rstd' : ''})`,
    pipeline: rec.pipeline('rmsnorm', reduceWgsl + rmsnormWgsl, serial ? 'rows_serial' : 'main', { SAVE_RSTD: rstd ? 1 : 0 }),
    bindings: [x, weight, out, rstd ?? rec.gpu.placeholderOutput],
    uniforms: new Uniforms().u32(rows).u32(C).f32(eps).bytes(),
    workgroups: workgroupGrid(serial ? Math.ceil(rows / 64) : rows),
  });
}
