import { GpuError, Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import type { RopeArgs } from './rope.ref';
import ropeWgsl from './rope.wgsl?raw';

/**
 * Rotary position embedding in place over `heads` consecutive heads of each row (see RopeArgs for the layout), the
 * angles read from a ropeTable tensor. Rotating q and k before attention and keeping the rotated keys in the KV cache
 * means every key is rotated once, at the step that produced it.
 */
export function rope(rec: Recorder, args: RopeArgs<Tensor>): void {
  record(rec, args, false);
}

/** The backward of rope: the gradient rotated by -θ in place (same arguments, x the gradient). */
export function ropeBackward(rec: Recorder, args: RopeArgs<Tensor>): void {
  record(rec, args, true);
}

function record(rec: Recorder, args: RopeArgs<Tensor>, inverse: boolean): void {
  const { x, table, rows, heads, D, rotaryDim, stride, col = 0, rowOffset = 0, positionOffset = 0, T = rows } = args;
  const name = inverse ? 'rope_backward' : 'rope';
  if (!(rotaryDim > 0 && rotaryDim % 2 === 0 && rotaryDim <= D)) {
    throw new GpuError(`${name}: rotaryDim must be even, positive and at most the head size ${D}, got ${rotaryDim}`);
  }
  const positions = positionOffset + Math.min(rows, T);
  if (table.numel < positions * rotaryDim) {
    throw new GpuError(`${name}: the table '${table.label}' holds ${table.numel / rotaryDim} positions, ${positions} are needed`);
  }
  rec.dispatch({
    label: `${name} (${rows} rows x ${heads} heads, ${rotaryDim}/${D} dims)`,
    pipeline: rec.pipeline('rope', ropeWgsl, 'main', { INVERSE: inverse ? 1 : 0 }),
    bindings: [x, table],
    uniforms: new Uniforms().u32(rows).u32(heads).u32(D).u32(rotaryDim / 2).u32(stride).u32(col).u32(rowOffset).u32(positionOffset).u32(T).bytes(),
    workgroups: workgroupGrid(Math.ceil((rows * rotaryDim) / 2 / 64)),
  });
}
