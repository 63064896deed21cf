import { GpuError, Uniforms, workgroupGrid, type Recorder, type Tensor } from '../../gpu';
import copyRowsWgsl from './copyRows.wgsl?raw';
import type { CopyRowsArgs } from './copyRows.ref';

/** Copies a (rows, cols) block of src into dst (see CopyRowsArgs); src and dst are different tensors. */
export function copyRows(rec: Recorder, args: CopyRowsArgs<Tensor>): void {
  const { src, dst, rows, cols, srcStride, dstStride, srcRow = 0, srcCol = 0, dstRow = 0, dstCol = 0 } = args;
  if (src === dst) throw new GpuError('copyRows: src and dst must be different tensors');
  if (rows === 0 || cols === 0) return;
  rec.dispatch({
    label: `copy_rows (${rows}x${cols})`,
    pipeline: rec.pipeline('copy_rows', copyRowsWgsl),
    bindings: [src, dst],
    uniforms: new Uniforms().u32(rows).u32(cols).u32(srcStride).u32(dstStride).u32(srcRow * srcStride + srcCol).u32(dstRow * dstStride + dstCol).bytes(),
    workgroups: workgroupGrid(Math.ceil((rows * cols) / 256)),
  });
}
